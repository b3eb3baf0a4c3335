package dev.llamakit.memory.store;

import dev.llamakit.memory.ConversationStore;
import dev.llamakit.tck.ConversationStoreContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/** The conversation store contract, with fsync on and off; {@code reopen} closes the store and opens its directory again. */
class FileConversationStoreContractTest {

    @Nested
    class WithFsync extends Contract {
        WithFsync() {
            super(true);
        }
    }

    @Nested
    class WithoutFsync extends Contract {
        WithoutFsync() {
            super(false);
        }
    }

    abstract static class Contract extends ConversationStoreContract {
        private final boolean fsync;
        @TempDir
        Path root;

        Contract(boolean fsync) {
            this.fsync = fsync;
        }

        @Override
        protected ConversationStore newStore() {
            try {
                return FileConversationStore.builder(Files.createTempDirectory(root, "store")).fsync(fsync).build();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        protected ConversationStore reopen(ConversationStore store) {
            FileConversationStore file = (FileConversationStore) store;
            file.close();
            return FileConversationStore.builder(file.directory()).fsync(fsync).build();
        }
    }
}
