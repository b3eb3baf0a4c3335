package dev.llamakit.apps.cli.repl;

import java.util.List;
import java.util.Objects;

/**
 * A chat REPL command: {@code /name [args]} and what it does, for {@code /help} and Tab completion.
 *
 * @param name    with its slash, e.g. {@code /save}
 * @param args    how its argument is written, e.g. {@code [FILE]}, or empty
 * @param help    one line
 */
public record SlashCommand(String name, String args, String help) {
    public SlashCommand {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(args, "args");
        Objects.requireNonNull(help, "help");
        if (!name.startsWith("/")) {
            throw new IllegalArgumentException("a slash command starts with /: " + name);
        }
    }

    /** The {@code /help} text: one line a command, then the keys. */
    public static String help(List<SlashCommand> commands) {
        StringBuilder sb = new StringBuilder();
        for (SlashCommand c : commands) {
            String usage = c.args().isEmpty() ? c.name() : c.name() + " " + c.args();
            sb.append(String.format("%-17s%s%n", usage, c.help()));
        }
        return sb.append("Keys: Tab completes / commands, Up/Down and Ctrl-R search the history, a line ending with \\ ")
                .append("continues on the next (or paste several lines), Ctrl-C cancels the answer being written, ")
                .append("Ctrl-D quits.").toString();
    }
}
