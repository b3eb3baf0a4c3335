package dev.llamakit.apps.cli;

import dev.llamakit.client.LlamaClient;
import dev.llamakit.client.Model;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code llama models}: the models the server offers. */
@Command(name = "models", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.USAGE,
        description = "List the models the server offers (needs a server: --base-url, a profile, or LLAMA_API_KEY).")
final class ModelsCommand extends AppCommand {

    @Override
    int run() {
        CliContext ctx = ctx();
        if (common.offline(ctx)) {
            throw CliException.input("needs a server: --base-url URL (e.g. http://localhost:11434/v1), a profile "
                    + "('llama config set base-url URL'), or LLAMA_API_KEY for the Llama API (offline mode has no models)");
        }
        common.explain(ctx);
        LlamaClient client = common.client(ctx);
        List<Model> models = client.models();
        if (common.json) {
            printJson(Map.of("baseUrl", client.baseUrl().toString(), "models", models));
        } else {
            for (Model m : models) {
                ctx.out().println(m.id() + (m.ownedBy() == null || m.ownedBy().isBlank() ? "" : "  (" + m.ownedBy() + ")"));
            }
        }
        return ExitCodes.OK;
    }
}
