package dev.llamakit.memory.store;

import dev.llamakit.memory.ConversationStore;
import dev.llamakit.memory.ConversationStoreProvider;
import dev.llamakit.spi.ProviderOptions;
import java.nio.file.Path;
import java.util.Set;

/**
 * The provider of {@link FileConversationStore}, named {@code file}. Options: {@code directory} (required),
 * {@code fsync} ({@code true}/{@code false}, default {@code true}), {@code max-open-files} (default
 * {@value FileConversationStore#DEFAULT_MAX_OPEN_FILES}).
 *
 * <pre>{@code
 * ConversationStore store = ConversationStores.create("file",
 *     ProviderOptions.builder().put("directory", "/var/lib/chat").build());
 * }</pre>
 */
public final class FileConversationStoreProvider implements ConversationStoreProvider {
    public static final String NAME = "file";
    public static final String DIRECTORY = "directory";
    public static final String FSYNC = "fsync";
    public static final String MAX_OPEN_FILES = "max-open-files";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<String> optionKeys() {
        return Set.of(DIRECTORY, FSYNC, MAX_OPEN_FILES);
    }

    @Override
    public String description() {
        return "one append-only, fsync'd JSON-lines file per conversation in a directory";
    }

    @Override
    public ConversationStore create(ProviderOptions options) {
        String directory = options.string(DIRECTORY)
                .filter(d -> !d.isBlank())
                .orElseThrow(() -> new IllegalArgumentException("the '" + NAME + "' conversation store needs the option '"
                        + DIRECTORY + "': the directory that holds the conversation files"));
        return FileConversationStore.builder(Path.of(directory))
                .fsync(options.bool(FSYNC, true))
                .maxOpenFiles(options.integer(MAX_OPEN_FILES, FileConversationStore.DEFAULT_MAX_OPEN_FILES, 1))
                .build();
    }
}
