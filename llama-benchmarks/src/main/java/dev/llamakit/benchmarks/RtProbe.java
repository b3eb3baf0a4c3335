package dev.llamakit.benchmarks;

public class RtProbe {
    public static void main(String[] args) throws Exception {
        ClientBenchmark b = new ClientBenchmark();
        b.setUp();
        for (int i = 0; i < Integer.parseInt(args[0]); i++) {
            b.roundTripLlamakitOpenAi();
        }
        b.tearDown();
        System.exit(0);
    }
}
