package dev.llamakit.apps.cli;

import dev.llamakit.apps.TextTooLongException;
import dev.llamakit.apps.qa.Answer;
import dev.llamakit.apps.qa.QuestionAnswerer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code llama ask --context FILE QUESTION}: an answer from the given text only. */
@Command(name = "ask", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.USAGE,
        description = {"Answer a question from a text file only (no outside knowledge).",
                "Offline: the best-supported sentences of the context."})
final class AskCommand extends AppCommand {
    @picocli.CommandLine.Mixin
    LocalModelOptions localModel;


    @Option(names = {"-c", "--context"}, required = true, paramLabel = "FILE",
            description = "The text to answer from; - reads standard input.")
    String context;

    @Parameters(arity = "1..*", paramLabel = "QUESTION", description = "The question (several words are joined).")
    List<String> question;

    @Override
    int run() {
        CliContext ctx = ctx();
        String q = String.join(" ", question).strip();
        if (q.isEmpty()) {
            throw CliException.input("the question is empty");
        }
        // with a model, the answer is printed as it arrives (not with --json: one JSON document)
        StreamingModel streaming = common.offline(ctx) || common.json ? null : new StreamingModel(common.chatModel(ctx), ctx.out());
        QuestionAnswerer qa = common.offline(ctx) ? QuestionAnswerer.offline()
                : QuestionAnswerer.withModel(streaming != null ? streaming : common.chatModel(ctx), common.model);
        Answer answer;
        try {
            // a file of more than four bytes a token is over the limit however it is counted: not read whole
            Inputs.Text text = Inputs.readUpTo(context, ctx, qa.maxContextTokens() * 4L);
            if (text.stream() != null) {
                text.stream().close();
                throw qa.tooLong(Math.max(text.size(), qa.maxContextTokens() * 4L + 1) / 4);
            }
            answer = qa.answer(text.whole(), q);
        } catch (java.io.IOException e) {
            throw CliException.input(CliErrors.file(e));
        } catch (TextTooLongException e) {
            throw CliException.input(e.getMessage() + "; to ask about a long text, put it in a folder and use "
                    + "'llama rag ask --docs DIR QUESTION', which " + (common.offline(ctx) ? "reads" : "sends")
                    + " only the passages that match");
        }
        if (common.json) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("question", q);
            json.put("answer", answer.text());
            json.put("offline", answer.offline());
            json.put("model", answer.offline() ? null : common.model);
            json.put("support", answer.support());
            printJson(json);
        } else {
            if (streaming == null || !streaming.streamed()) {
                ctx.out().println(answer.text().strip());
            }
            if (answer.offline()) {
                ctx.out().println();
                ctx.out().println(OFFLINE_NOTE);
            }
        }
        return ExitCodes.OK;
    }
}
