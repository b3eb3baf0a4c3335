package dev.llamakit.apps.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A progress bar on stderr, rewritten in place ({@code \r}):
 * {@code indexing [=======>            ] 120/450 files  35.2 files/s  ETA 9 s}; without a known total, the count and
 * the rate only. {@link #none()} draws nothing: what a command uses when stderr is not a terminal, or with
 * {@code --quiet} or {@code --json} ({@link #on}).
 *
 * <p>Redraws are throttled by count, not by wall time: the bar is drawn again when the count has grown by about a
 * percent of the total (a fixed step without one), when the detail's count has, and at the end, so that output is
 * the same however fast the work runs. The clock (nanoseconds) only feeds the rate and the ETA. Thread-safe.
 */
class Progress implements AutoCloseable {
    static final int BAR_CELLS = 24;
    /** Redraws per bar (and per detail count): about one a percent. */
    static final int STEPS = 100;
    /** Without a known total, a redraw every this many items. */
    static final int UNKNOWN_TOTAL_STEP = 50;

    private final PrintWriter err;
    private final String label;
    private final String unit;
    private final LongSupplier nanos;
    private final long start;
    private long total;
    private long done;
    private long drawnAt = -1;
    private String detail = "";
    private long detailDrawnAt = -1;
    private int width;
    private boolean closed;

    Progress(PrintWriter err, String label, String unit, long total, LongSupplier nanos) {
        this.err = Objects.requireNonNull(err, "err");
        this.label = Objects.requireNonNull(label, "label");
        this.unit = Objects.requireNonNull(unit, "unit");
        this.nanos = Objects.requireNonNull(nanos, "nanos");
        this.total = Math.max(0, total);
        this.start = nanos.getAsLong();
    }

    /** A bar on {@code ctx}'s stderr when it is a terminal and neither {@code --quiet} nor {@code --json} is given. */
    static Progress on(CliContext ctx, CommonOptions common, String label, String unit, long total) {
        return ctx.terminal() && !common.quiet && !common.json
                ? new Progress(ctx.err(), label, unit, total, System::nanoTime) : none();
    }

    /** Draws nothing. */
    static Progress none() {
        return Silent.INSTANCE;
    }

    /** Whether this progress draws anything. */
    boolean visible() {
        return true;
    }

    /** {@code n} more items done. */
    synchronized void advance(long n) {
        set(done + n);
    }

    /** The items done so far. */
    synchronized void set(long doneSoFar) {
        done = Math.max(0, doneSoFar);
        if (drawnAt < 0 || done - drawnAt >= step(total) || (total > 0 && done >= total && drawnAt < total)) {
            draw();
        }
    }

    /** Sets the total once it is known (0: unknown). */
    synchronized void total(long newTotal) {
        long t = Math.max(0, newTotal);
        if (t != total) {
            total = t;
            drawnAt = -1; // a new total (the next level of a summary): draw at the next count
        }
    }

    /**
     * A sub-count shown after the bar, e.g. {@code embedding 640/5183 chunks} while a batch is embedded; redrawn on
     * its own count steps; cleared when {@code done >= of}.
     */
    synchronized void detail(String what, long detailDone, long of) {
        if (detailDone >= of) {
            if (!detail.isEmpty()) {
                detail = "";
                detailDrawnAt = -1;
                draw();
            }
            return;
        }
        String text = String.format(Locale.ROOT, "%s %d/%d", what, detailDone, of);
        boolean due = detailDrawnAt < 0 || detailDone < detailDrawnAt || detailDone - detailDrawnAt >= step(of);
        detail = text;
        if (due) {
            detailDrawnAt = detailDone;
            draw();
        }
    }

    /** Erases the bar, if one was drawn. */
    @Override
    public synchronized void close() {
        if (!closed && width > 0) {
            err.print("\r" + " ".repeat(width) + "\r");
            err.flush();
        }
        closed = true;
    }

    private void draw() {
        if (closed) {
            return;
        }
        drawnAt = done;
        String line = render(label, unit, done, total, nanos.getAsLong() - start)
                + (detail.isEmpty() ? "" : "  " + detail);
        // pads over the rest of a longer previous line
        String padded = line.length() < width ? line + " ".repeat(width - line.length()) : line;
        width = Math.max(width, line.length());
        err.print("\r" + padded);
        err.flush();
    }

    /** The count step between redraws: about a percent of {@code of}. */
    static long step(long of) {
        return of > 0 ? Math.max(1, of / STEPS) : UNKNOWN_TOTAL_STEP;
    }

    /** One line: {@code label [====>    ] done/total unit  rate unit/s  ETA t}, or {@code label done unit  rate unit/s}. */
    static String render(String label, String unit, long done, long total, long elapsedNanos) {
        double seconds = elapsedNanos / 1e9;
        double rate = seconds > 0 ? done / seconds : 0;
        String speed = seconds > 0 ? String.format(Locale.ROOT, "  %.1f %s/s", rate, unit) : "";
        if (total <= 0) {
            return String.format(Locale.ROOT, "%s %d %s%s", label, done, unit, speed);
        }
        long shown = Math.min(done, total);
        String eta = done >= total ? "" : rate > 0 ? "  ETA " + formatSeconds((total - done) / rate) : "  ETA -";
        return String.format(Locale.ROOT, "%s %s %d/%d %s%s%s", label, bar(shown, total), shown, total, unit, speed, eta);
    }

    /** {@code [=====>          ]}: {@value #BAR_CELLS} cells. */
    static String bar(long done, long total) {
        int full = (int) (BAR_CELLS * Math.min(done, total) / total);
        StringBuilder sb = new StringBuilder("[").append("=".repeat(full));
        if (full < BAR_CELLS) {
            sb.append('>').append(" ".repeat(BAR_CELLS - full - 1));
        }
        return sb.append(']').toString();
    }

    /** {@code 9 s}, {@code 1 min 15 s}, {@code 2 h 5 min}. */
    static String formatSeconds(double s) {
        long t = (long) Math.ceil(s);
        if (t < 60) {
            return t + " s";
        }
        if (t < 3600) {
            return (t / 60) + " min " + (t % 60) + " s";
        }
        return (t / 3600) + " h " + (t % 3600 / 60) + " min";
    }

    private static final class Silent extends Progress {
        static final Silent INSTANCE = new Silent();

        private Silent() {
            super(new PrintWriter(java.io.Writer.nullWriter()), "", "", 0, () -> 0L);
        }

        @Override
        boolean visible() {
            return false;
        }

        @Override
        synchronized void set(long doneSoFar) {
        }

        @Override
        synchronized void detail(String what, long detailDone, long of) {
        }

        @Override
        public synchronized void close() {
        }
    }
}
