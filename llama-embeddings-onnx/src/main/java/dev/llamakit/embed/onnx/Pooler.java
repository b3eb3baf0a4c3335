package dev.llamakit.embed.onnx;

import java.nio.FloatBuffer;

/** Pools an encoder's token vectors into one unit vector per text. Internal. */
final class Pooler {
    private Pooler() {
    }

    /**
     * One L2-normalised vector per row of {@code batch}, from the encoder output {@code hidden} of shape
     * {@code [rows, columns, dimensions]} (row-major). Mean pooling averages the positions the mask marks as real, so
     * padding never counts; CLS pooling takes position 0.
     */
    static float[][] pool(FloatBuffer hidden, int dimensions, TokenBatch batch, Pooling pooling) {
        int expected = batch.rows * batch.columns * dimensions;
        if (hidden.remaining() != expected) {
            throw new IllegalStateException("the model returned " + hidden.remaining() + " values, expected "
                    + batch.rows + " x " + batch.columns + " x " + dimensions);
        }
        float[][] out = new float[batch.rows][];
        for (int r = 0; r < batch.rows; r++) {
            double[] sum = new double[dimensions];
            int base = r * batch.columns;
            if (pooling == Pooling.CLS) {
                int at = base * dimensions;
                for (int d = 0; d < dimensions; d++) {
                    sum[d] = hidden.get(at + d);
                }
            } else {
                int count = 0;
                for (int c = 0; c < batch.columns; c++) {
                    if (batch.mask[base + c] == 0) {
                        continue;
                    }
                    count++;
                    int at = (base + c) * dimensions;
                    for (int d = 0; d < dimensions; d++) {
                        sum[d] += hidden.get(at + d);
                    }
                }
                for (int d = 0; d < dimensions; d++) {
                    sum[d] /= Math.max(1, count);
                }
            }
            out[r] = normalize(sum, r);
        }
        return out;
    }

    /** Rows of an already pooled output {@code [rows, dimensions]}, normalised. */
    static float[][] rows(FloatBuffer pooled, int rows, int dimensions) {
        if (pooled.remaining() != rows * dimensions) {
            throw new IllegalStateException("the model returned " + pooled.remaining() + " values, expected "
                    + rows + " x " + dimensions);
        }
        float[][] out = new float[rows][];
        for (int r = 0; r < rows; r++) {
            double[] v = new double[dimensions];
            for (int d = 0; d < dimensions; d++) {
                v[d] = pooled.get(r * dimensions + d);
            }
            out[r] = normalize(v, r);
        }
        return out;
    }

    /** {@code v} scaled to unit length; fails on a zero or non-finite vector. */
    static float[] normalize(double[] v, int row) {
        double norm = 0;
        for (double x : v) {
            norm += x * x;
        }
        norm = Math.sqrt(norm);
        if (!(norm > 0) || !Double.isFinite(norm)) {
            throw new IllegalStateException("the model returned a " + (norm == 0 ? "zero" : "non-finite")
                    + " vector for text " + row + " of the batch");
        }
        float[] out = new float[v.length];
        for (int d = 0; d < v.length; d++) {
            out[d] = (float) (v[d] / norm);
        }
        return out;
    }
}
