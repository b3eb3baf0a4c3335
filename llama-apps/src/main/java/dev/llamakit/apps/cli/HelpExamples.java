package dev.llamakit.apps.cli;

import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.UsageMessageSpec;

/** The examples at the end of every {@code --help}, by command (one place, so that they are read together). */
final class HelpExamples {
    private static final Map<String, List<String>> EXAMPLES = Map.ofEntries(
            Map.entry("llama", List.of(
                    "llama rag ask --docs docs \"How does the client retry a 429?\"   # offline, cites docs/client.md",
                    "llama summarize notes.md",
                    "llama chat --base-url http://localhost:11434/v1 --dialect openai --model llama3.2   # Ollama",
                    "source <(llama completion bash)   # Tab completion in this shell")),
            Map.entry("llama chat", List.of(
                    "LLAMA_API_KEY=... llama chat",
                    "llama chat --dialect openai --base-url http://localhost:8000/v1   # vLLM",
                    "llama chat --session trip-plans   # resume a saved conversation")),
            Map.entry("llama summarize", List.of(
                    "llama summarize docs/client.md   # offline: the key sentences",
                    "cat notes.txt | llama summarize -",
                    "LLAMA_API_KEY=... llama summarize report.md -i \"3 bullet points about risks\"")),
            Map.entry("llama ask", List.of(
                    "llama ask -c docs/client.md \"How are retries configured?\"",
                    "llama ask -c contract.txt --json \"When does it end?\"")),
            Map.entry("llama rag", List.of(
                    "llama rag index docs",
                    "llama rag ask \"How does the client retry a 429?\"")),
            Map.entry("llama rag index", List.of(
                    "llama rag index docs   # into .llama-index; run again to pick up changes",
                    "llama rag index docs --index docs-index --retriever hybrid   # remembered by 'rag ask'",
                    "llama rag index docs --verify   # check every index file's checksum first",
                    "llama rag index docs --retriever opensearch --opensearch-url http://os:9200")),
            Map.entry("llama rag ask", List.of(
                    "llama rag ask --docs docs \"How does the client retry a 429?\"",
                    "llama rag ask --index docs-index \"What is the default model?\"   # as the index was built",
                    "llama rag ask --docs docs --rerank mmr -k 3 --json \"How are sessions stored?\"")),
            Map.entry("llama models", List.of(
                    "llama models --base-url http://localhost:11434/v1 --dialect openai",
                    "LLAMA_API_KEY=... llama models --json")),
            Map.entry("llama eval", List.of(
                    "llama eval beir ~/beir/scifact --retriever hybrid")),
            Map.entry("llama eval beir", List.of(
                    "llama eval beir ~/beir/scifact",
                    "llama eval beir ~/beir/scifact --retriever hybrid --run scifact.run")),
            Map.entry("llama help", List.of(
                    "llama help rag ask")),
            Map.entry("llama completion", List.of(
                    "source <(llama completion bash)   # this shell; add it to ~/.bashrc to keep it",
                    "source <(llama completion zsh)    # in ~/.zshrc")),
            Map.entry("llama config", List.of(
                    "llama config set base-url http://localhost:11434/v1 --profile ollama",
                    "llama config list")),
            Map.entry("llama config set", List.of(
                    "llama config set base-url http://localhost:11434/v1 --profile ollama",
                    "llama config set key env:OLLAMA_API_KEY --profile ollama",
                    "llama config set default-profile ollama")),
            Map.entry("llama config get", List.of("llama config get base-url --profile ollama")),
            Map.entry("llama config unset", List.of("llama config unset model --profile ollama")),
            Map.entry("llama config list", List.of("llama config list", "llama config list --json")),
            Map.entry("llama config path", List.of("llama config path")),
            Map.entry("llama keys", List.of(
                    "llama keys set ollama          # prompts for the key",
                    "cat key.txt | llama keys set ollama")),
            Map.entry("llama keys set", List.of(
                    "llama keys set ollama",
                    "llama keys set --profile vllm   # NAME defaults to the profile")),
            Map.entry("llama keys list", List.of("llama keys list --json")),
            Map.entry("llama keys path", List.of("llama keys path")),
            Map.entry("llama keys remove", List.of("llama keys remove ollama")));

    private HelpExamples() {
    }

    /** Adds the examples to {@code root} and its subcommands, keeping a footer a command declares itself. */
    static void install(CommandLine root) {
        UsageMessageSpec usage = root.getCommandSpec().usageMessage();
        List<String> examples = EXAMPLES.get(root.getCommandSpec().qualifiedName());
        if (examples != null && usage.footer().length == 0) {
            usage.footerHeading("%nExamples:%n");
            List<String> lines = new java.util.ArrayList<>();
            for (String e : examples) {
                int comment = e.indexOf("   # ");
                if (comment > 0) { // the comment on a line of its own, above: lines stay within 80 columns
                    lines.add("  " + e.substring(comment + 3).replace("%", "%%"));
                    e = e.substring(0, comment);
                }
                lines.add("  " + e.replace("%", "%%"));
            }
            lines.add("");
            usage.footer(lines.toArray(String[]::new));
        }
        root.getSubcommands().values().forEach(HelpExamples::install);
    }
}
