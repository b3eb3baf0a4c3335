package dev.llamakit.memory.jdbc;

import dev.llamakit.memory.ConversationStore;
import dev.llamakit.memory.ConversationStoreProvider;
import dev.llamakit.spi.ProviderOptions;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The provider of {@link JdbcConversationStore}, named {@code jdbc}. Either a {@link DataSource} given as a service
 * ({@code ProviderOptions.builder().service(DataSource.class, pool)}) or the option {@code url} (a JDBC URL, with
 * {@code user} and {@code password}); {@code create-schema} ({@code true}/{@code false}, default {@code false}) and
 * {@code table-prefix} (default {@code llama_}).
 *
 * <pre>{@code
 * ConversationStore store = ConversationStores.create("jdbc", ProviderOptions.builder()
 *     .service(DataSource.class, pool).put("create-schema", "true").build());
 * }</pre>
 */
public final class JdbcConversationStoreProvider implements ConversationStoreProvider {
    public static final String NAME = "jdbc";
    public static final String URL = "url";
    public static final String USER = "user";
    public static final String PASSWORD = "password";
    public static final String CREATE_SCHEMA = "create-schema";
    public static final String TABLE_PREFIX = "table-prefix";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<String> optionKeys() {
        return Set.of(URL, USER, PASSWORD, CREATE_SCHEMA, TABLE_PREFIX);
    }

    @Override
    public String description() {
        return "conversations in a SQL database (PostgreSQL, H2, SQLite) shared by every instance of an application";
    }

    @Override
    public ConversationStore create(ProviderOptions options) {
        JdbcConversationStore.Builder builder = options.service(DataSource.class)
                .map(JdbcConversationStore::builder)
                .orElseGet(() -> JdbcConversationStore.builder(options.string(URL).filter(u -> !u.isBlank())
                        .orElseThrow(() -> new IllegalArgumentException("the '" + NAME + "' conversation store needs a "
                                + "DataSource service or the option '" + URL + "' (a JDBC URL)")),
                        options.string(USER).orElse(null), options.string(PASSWORD).orElse(null)));
        options.string(TABLE_PREFIX).ifPresent(builder::tablePrefix);
        return builder.createSchema(options.bool(CREATE_SCHEMA, false)).build();
    }
}
