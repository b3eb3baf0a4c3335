package dev.llamakit.apps.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * "Did you mean" for typos picocli's own suggestions miss: swapped, missing, extra or wrong letters
 * ({@code aks} for {@code ask}), at most one edit per four letters.
 */
final class Suggestions {
    private Suggestions() {
    }

    /** The commands (or, for an unknown option, the options) of {@code command} within a few edits of the typo. */
    static List<String> near(UnmatchedArgumentException e, CommandLine command) {
        if (e.getUnmatched().isEmpty()) {
            return List.of();
        }
        String typo = e.getUnmatched().get(0).replaceFirst("=.*", "");
        List<String> candidates = new ArrayList<>();
        if (e.isUnknownOption()) {
            command.getCommandSpec().options().forEach(o -> candidates.addAll(List.of(o.names())));
        } else {
            candidates.addAll(command.getSubcommands().keySet());
        }
        int allowed = Math.max(1, typo.replaceFirst("^-+", "").length() / 4);
        return candidates.stream().filter(c -> distance(typo, c) <= allowed).toList();
    }

    /** The optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
