package dev.llamakit.apps.cli.repl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.jline.keymap.KeyMap;
import org.jline.reader.Binding;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.EOFError;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.ParsedLine;
import org.jline.reader.Reference;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The chat REPL on a terminal, through JLine: line editing (arrows, Home/End, Ctrl-A/E/K/W, ...), history saved
 * to a file after every line and searched with Ctrl-R, multi-line input (a line ending with {@code \}, or a
 * paste), Tab completion of the {@code /} commands, Ctrl-C at the prompt
 * discards the line, Ctrl-D on an empty line ends the input. Event expansion ({@code !!}) is off: a {@code !} is
 * text.
 */
public final class TerminalInput implements ReplInput {
    /** The prompt of a continued line. */
    public static final String CONTINUATION_PROMPT = "...> ";

    private final Terminal terminal;
    private final LineReader reader;

    private TerminalInput(Terminal terminal, LineReader reader) {
        this.terminal = terminal;
        this.reader = reader;
    }

    /**
     * A line editor on {@code terminal} (closed with this input).
     *
     * @param history  the history file (created with its folders when missing), or null for none
     * @param commands what Tab completes at the start of a line
     */
    public static TerminalInput open(Terminal terminal, Path history, List<SlashCommand> commands) {
        Objects.requireNonNull(terminal, "terminal");
        List<SlashCommand> slash = List.copyOf(commands);
        LineReaderBuilder b = LineReaderBuilder.builder().terminal(terminal).appName("llama")
                .parser(new ContinuationParser())
                .completer(new SlashCompleter(slash))
                .variable(LineReader.SECONDARY_PROMPT_PATTERN, CONTINUATION_PROMPT)
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                .option(LineReader.Option.INSERT_TAB, false)
                .option(LineReader.Option.HISTORY_IGNORE_DUPS, true);
        if (history != null) {
            try {
                Path parent = history.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the history folder for " + history + ": " + e.getMessage(), e);
            }
            b.variable(LineReader.HISTORY_FILE, history);
        }
        LineReader reader = b.build();
        bindArrowKeys(reader);
        return new TerminalInput(terminal, reader);
    }

    /**
     * The system terminal, or null when there is none to edit lines on (JLine finds only a dumb one, or fails).
     */
    public static Terminal systemTerminal() {
        try {
            Terminal t = TerminalBuilder.builder().system(true).name("llama").nativeSignals(true).dumb(false).build();
            if (Terminal.TYPE_DUMB.equals(t.getType()) || Terminal.TYPE_DUMB_COLOR.equals(t.getType())) {
                t.close();
                return null;
            }
            return t;
        } catch (IOException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** Both spellings of the cursor keys (normal and application mode) in every key map, whatever the terminfo says. */
    private static void bindArrowKeys(LineReader reader) {
        for (String name : List.of(LineReader.EMACS, LineReader.MAIN, LineReader.VIINS)) {
            KeyMap<Binding> map = reader.getKeyMaps().get(name);
            if (map == null) {
                continue;
            }
            for (String prefix : List.of("\u001b[", "\u001bO")) {
                map.bind(new Reference(LineReader.UP_LINE_OR_HISTORY), prefix + "A");
                map.bind(new Reference(LineReader.DOWN_LINE_OR_HISTORY), prefix + "B");
                map.bind(new Reference(LineReader.FORWARD_CHAR), prefix + "C");
                map.bind(new Reference(LineReader.BACKWARD_CHAR), prefix + "D");
                map.bind(new Reference(LineReader.BEGINNING_OF_LINE), prefix + "H");
                map.bind(new Reference(LineReader.END_OF_LINE), prefix + "F");
            }
            map.bind(new Reference(LineReader.BEGINNING_OF_LINE), "\u001b[1~");
            map.bind(new Reference(LineReader.END_OF_LINE), "\u001b[4~");
            map.bind(new Reference(LineReader.DELETE_CHAR), "\u001b[3~");
            map.bind(new Reference(LineReader.FORWARD_WORD), "\u001b[1;5C");
            map.bind(new Reference(LineReader.BACKWARD_WORD), "\u001b[1;5D");
        }
    }

    @Override
    public String readLine(String prompt) {
        try {
            return TypedText.clean(TypedText.joinContinuations(reader.readLine(prompt)));
        } catch (UserInterruptException e) {
            return "";
        } catch (EndOfFileException e) {
            return null;
        }
    }

    @Override
    public boolean interactive() {
        return true;
    }

    @Override
    public Runnable onInterrupt(Runnable handler) {
        Terminal.SignalHandler previous = terminal.handle(Terminal.Signal.INT, signal -> handler.run());
        return () -> terminal.handle(Terminal.Signal.INT, previous);
    }

    /** The history as saved, oldest first (for tests and {@code /history}). */
    List<String> history() {
        java.util.ArrayList<String> lines = new java.util.ArrayList<>();
        reader.getHistory().forEach(e -> lines.add(e.line()));
        return lines;
    }

    @Override
    public void close() {
        try {
            reader.getHistory().save();
        } catch (IOException e) {
            // the history is a convenience: losing the last lines must not fail the chat
        }
        try {
            terminal.close();
        } catch (IOException e) {
            // nothing left to restore
        }
    }

    /** Words split on spaces only (no quotes, no escapes); a line ending with {@code \} asks for another line. */
    static final class ContinuationParser extends DefaultParser {
        ContinuationParser() {
            quoteChars(new char[0]);
            escapeChars(new char[0]);
        }

        @Override
        public ParsedLine parse(String line, int cursor, ParseContext context) {
            if (context == ParseContext.ACCEPT_LINE && TypedText.continues(line)) {
                throw new EOFError(-1, -1, "the line continues", "\\");
            }
            return super.parse(line, cursor, context);
        }
    }

    /** The {@code /} commands at a line's start (an empty line lists them all). */
    static final class SlashCompleter implements Completer {
        private final List<SlashCommand> commands;

        SlashCompleter(List<SlashCommand> commands) {
            this.commands = commands;
        }

        @Override
        public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
            if (line.wordIndex() == 0) {
                if (line.word().isEmpty() || line.word().startsWith("/")) {
                    for (SlashCommand c : commands) {
                        candidates.add(new Candidate(c.name(), c.name(), null, c.help(), null, null, true));
                    }
                }
            }
        }
    }
}
