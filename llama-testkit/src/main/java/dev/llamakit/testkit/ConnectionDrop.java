package dev.llamakit.testkit;

import java.io.IOException;

/**
 * Thrown out of the handler to make the JDK server close the connection without (finishing) a
 * response: that is how scripted drops, truncations and aborted waits end.
 */
final class ConnectionDrop extends IOException {

    ConnectionDrop(String reason) {
        super(reason, null);
    }
}
