package dev.llamakit.memory.hierarchical;

/**
 * How {@code hierarchical} divides the prompt budget left after the system message: {@code shortTerm} for the recent
 * turns kept verbatim (and the point past which turns are summarized), {@code recall} for earlier turns recalled by
 * relevance, {@code summary} for the running summary. Each share is in (0, 1] and together they are at most 1; what
 * a part leaves unused (and what the shares leave over) goes to the short-term window.
 */
public record BudgetShares(double shortTerm, double recall, double summary) {
    /** 0.5 / 0.3 / 0.2. */
    public static final BudgetShares DEFAULT = new BudgetShares(0.5, 0.3, 0.2);

    public BudgetShares {
        check(HierarchicalProvider.SHORT_TERM_SHARE, shortTerm);
        check(HierarchicalProvider.RECALL_SHARE, recall);
        check(HierarchicalProvider.SUMMARY_SHARE, summary);
        double sum = shortTerm + recall + summary;
        if (sum > 1 + 1e-9) {
            throw new IllegalArgumentException("options '" + HierarchicalProvider.SHORT_TERM_SHARE + "' (" + shortTerm + "), '"
                    + HierarchicalProvider.RECALL_SHARE + "' (" + recall + ") and '" + HierarchicalProvider.SUMMARY_SHARE + "' ("
                    + summary + ") must add up to at most 1, got " + sum);
        }
    }

    private static void check(String option, double share) {
        if (!(share > 0 && share <= 1)) {
            throw new IllegalArgumentException("option '" + option + "' must be in (0, 1], got " + share);
        }
    }

    /** {@code share} of {@code tokens}, rounded down. */
    static int part(int tokens, double share) {
        return (int) Math.floor(Math.max(0, tokens) * share);
    }
}
