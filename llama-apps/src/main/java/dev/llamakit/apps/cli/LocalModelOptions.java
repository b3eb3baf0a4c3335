package dev.llamakit.apps.cli;

import picocli.CommandLine.Option;

/** The options of an in-process model ({@code --model-file}), mixed into the commands that talk to a model. */
final class LocalModelOptions {
    @Option(names = "--threads", paramLabel = "N", description = "CPU threads for --model-file (default: llama.cpp's choice).")
    Integer threads;

    @Option(names = "--ctx-size", paramLabel = "TOKENS", description = "Context window for --model-file (default: the model's, at most 4096).")
    Integer ctxSize;
}
