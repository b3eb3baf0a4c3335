package dev.llamakit.client.fault;

/** How the fault server answers one request. See {@link Faults} for the catalogue. */
@FunctionalInterface
public interface Fault {
    void respond(FaultServer.Exchange exchange) throws Exception;
}
