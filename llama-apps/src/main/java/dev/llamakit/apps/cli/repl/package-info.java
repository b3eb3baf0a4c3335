/**
 * The {@code llama chat} REPL's input: a JLine line editor on a terminal ({@link dev.llamakit.apps.cli.repl.TerminalInput}:
 * editing keys, history across sessions, multi-line input, Ctrl-R, Tab completion of {@code /} commands) and plain
 * lines otherwise ({@link dev.llamakit.apps.cli.repl.PlainInput}, for scripts). Both hand the chat only typed text
 * ({@link dev.llamakit.apps.cli.repl.TypedText}): never a terminal's escape codes.
 */
package dev.llamakit.apps.cli.repl;
