package dev.llamakit.apps.cli;

import dev.llamakit.apps.TextTooLongException;
import dev.llamakit.apps.summarize.ExtractiveSummarizer;
import dev.llamakit.apps.summarize.SummaryResult;
import dev.llamakit.apps.summarize.TextSummarizer;
import dev.llamakit.summarize.ChatModelSummarizer;
import dev.llamakit.summarize.Summarizer;
import java.io.IOException;
import java.io.Reader;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code llama summarize [FILE|-] [--instruction TEXT]}. */
@Command(name = "summarize", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = ExitCodes.USAGE,
        description = {"Summarize a text file (or standard input). Long texts are summarized map-reduce style.",
                "Offline: sentence ranking (extractive), no model."})
final class SummarizeCommand extends AppCommand {
    @picocli.CommandLine.Mixin
    LocalModelOptions localModel;

    /** Offline, the largest input summarized whole (about 8 MB); a longer one is read and summarized in pieces. */
    static final long OFFLINE_WHOLE_BYTES = TextSummarizer.DEFAULT_OFFLINE_MAX_TOKENS * 4L;

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE|-", defaultValue = "-",
            description = "The text to summarize; - (default) reads standard input.")
    String file;

    @Option(names = {"-i", "--instruction"}, paramLabel = "TEXT",
            description = "How to summarize, e.g. \"3 bullet points on the risks\" (ignored offline, except for its length).")
    String instruction;

    @Override
    int run() {
        CliContext ctx = ctx();
        boolean offline = common.offline(ctx);
        // offline, a text too long to hold whole is read and summarized in pieces
        Inputs.Text input = offline ? Inputs.readUpTo(file, ctx, OFFLINE_WHOLE_BYTES)
                : new Inputs.Text(Inputs.readText(file, ctx), null, 0);
        // with a model, the summary is printed as it arrives; a long text's map calls move a progress bar first
        StreamingModel streaming = offline || common.json ? null : new StreamingModel(common.chatModel(ctx), ctx.out()).hold();
        Summarizer summarizer = offline ? new ExtractiveSummarizer()
                : new ChatModelSummarizer(streaming != null ? streaming : common.chatModel(ctx), common.model);
        SummaryResult result;
        try (Progress bar = offline && input.stream() == null ? Progress.none()
                : Progress.on(ctx, common, "summarizing", "parts", 0)) {
            TextSummarizer.Listener listener = new TextSummarizer.Listener() {
                @Override
                public void partSummarized(int level, int done, int total) {
                    bar.total(total);
                    bar.set(done);
                }

                @Override
                public void finalCall() {
                    bar.close();
                    if (streaming != null) {
                        streaming.release();
                    }
                }
            };
            TextSummarizer service = TextSummarizer.of(summarizer);
            if (input.stream() != null) {
                try (Reader pieces = input.stream()) {
                    result = service.summarizeInPieces(pieces, input.size(), instruction, listener);
                }
            } else {
                result = service.summarize(input.whole(), instruction, listener);
            }
        } catch (TextTooLongException e) {
            throw CliException.input(e.getMessage());
        } catch (IOException e) {
            throw CliException.input(CliErrors.file(e));
        }
        if (common.json) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("summary", result.summary());
            json.put("offline", result.offline());
            json.put("model", result.offline() ? null : common.model);
            json.put("chunks", result.chunks());
            json.put("summarizerCalls", result.summarizerCalls());
            printJson(json);
        } else {
            if (streaming == null || !streaming.streamed()) {
                ctx.out().println(result.summary().strip());
            }
            if (result.offline()) {
                ctx.out().println();
                ctx.out().println(OFFLINE_NOTE);
            }
        }
        return ExitCodes.OK;
    }
}
