package dev.llamakit.embed.onnx;

import java.util.List;

/**
 * Texts' tokens padded to the longest of them, row-major {@code [rows, columns]}: {@code ids} (padding id 0),
 * {@code mask} (1 for a real token, 0 for padding) and {@code typeIds} (0 for padding). Internal.
 */
final class TokenBatch {
    final int rows;
    final int columns;
    final long[] ids;
    final long[] mask;
    final long[] typeIds;

    private TokenBatch(int rows, int columns) {
        this.rows = rows;
        this.columns = columns;
        this.ids = new long[rows * columns];
        this.mask = new long[rows * columns];
        this.typeIds = new long[rows * columns];
    }

    /** The batch of {@code texts}, padded on the right to the longest one. */
    static TokenBatch of(List<TextTokenizer.Tokens> texts) {
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one text");
        }
        int columns = 1;
        for (TextTokenizer.Tokens t : texts) {
            columns = Math.max(columns, t.length());
        }
        TokenBatch b = new TokenBatch(texts.size(), columns);
        for (int r = 0; r < texts.size(); r++) {
            TextTokenizer.Tokens t = texts.get(r);
            int at = r * columns;
            System.arraycopy(t.ids(), 0, b.ids, at, t.length());
            System.arraycopy(t.typeIds(), 0, b.typeIds, at, Math.min(t.length(), t.typeIds().length));
            for (int c = 0; c < t.length(); c++) {
                b.mask[at + c] = 1;
            }
        }
        return b;
    }

    /** The shape ONNX Runtime is given. */
    long[] shape() {
        return new long[] {rows, columns};
    }
}
