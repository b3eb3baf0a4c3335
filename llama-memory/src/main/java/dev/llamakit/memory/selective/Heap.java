package dev.llamakit.memory.selective;

/**
 * A binary max-heap of unit indices in an int array, ordered by score, ties to the higher index (the newer unit):
 * the order of {@code comparingDouble(score).reversed().thenComparing(reverseOrder())}.
 */
final class Heap {
    private Heap() {
    }

    /** Whether unit {@code a} comes before unit {@code b}. */
    static boolean before(int a, int b, double[] scores) {
        int c = Double.compare(scores[a], scores[b]);
        return c > 0 || (c == 0 && a > b);
    }

    static void heapify(int[] heap, int size, double[] scores) {
        for (int k = (size >>> 1) - 1; k >= 0; k--) {
            siftDown(heap, size, k, scores);
        }
    }

    static void siftDown(int[] heap, int size, int k, double[] scores) {
        int x = heap[k];
        while (true) {
            int child = 2 * k + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && before(heap[child + 1], heap[child], scores)) {
                child++;
            }
            if (!before(heap[child], x, scores)) {
                break;
            }
            heap[k] = heap[child];
            k = child;
        }
        heap[k] = x;
    }
}
