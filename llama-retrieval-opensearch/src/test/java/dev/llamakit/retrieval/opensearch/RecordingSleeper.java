package dev.llamakit.retrieval.opensearch;

import dev.llamakit.client.Sleeper;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link Sleeper} that records the pauses instead of sleeping, and can act on each (e.g. lift a block). */
final class RecordingSleeper implements Sleeper {
    final List<Duration> pauses = new CopyOnWriteArrayList<>();
    private final Runnable onSleep;

    RecordingSleeper() {
        this(() -> { });
    }

    RecordingSleeper(Runnable onSleep) {
        this.onSleep = onSleep;
    }

    @Override
    public void sleep(Duration duration) {
        pauses.add(duration);
        onSleep.run();
    }
}
