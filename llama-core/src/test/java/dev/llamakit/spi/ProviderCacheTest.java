package dev.llamakit.spi;

import static dev.llamakit.spi.ServiceFiles.withContextLoader;
import static org.assertj.core.api.Assertions.assertThat;

import dev.llamakit.tokens.TokenCounterProvider;
import dev.llamakit.tokens.TokenCounters;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.WeakReference;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registries' cache of provider scans: it must not keep a class loader alive (a redeployed plugin, a web
 * application), and {@link Providers#rescan()} must make new providers visible.
 */
class ProviderCacheTest {
    @TempDir
    Path tmp;

    @Test
    void aClassLoaderThatDefinedAProviderIsCollectedOnceDropped() throws Exception {
        WeakReference<ClassLoader> dropped = useAPluginAndDropIt(tmp);
        for (int attempt = 0; attempt < 20 && dropped.get() != null; attempt++) {
            System.gc();
        }
        assertThat(dropped.get()).as("the plugin's class loader, after it was dropped").isNull();
    }

    /** Loads {@code exact} from a class loader of its own, uses it through the registry, and drops the loader. */
    private static WeakReference<ClassLoader> useAPluginAndDropIt(Path dir) throws Exception {
        String exact = RegistryFixtures.Exact.class.getName();
        writeServices(dir, TokenCounterProvider.class, exact);
        try (PluginLoader plugin = new PluginLoader(dir, exact)) {
            assertThat(plugin.loadClass(exact).getClassLoader()).as("the plugin defines its provider").isSameAs(plugin);
            withContextLoader(plugin, () -> {
                assertThat(TokenCounters.available()).contains("exact", "estimate");
                assertThat(TokenCounters.create("exact", ProviderOptions.of(Map.of("vocabulary", "v")))).isNotNull();
                return null;
            });
            return new WeakReference<>(plugin);
        }
    }

    @Test
    void rescanFindsProvidersAddedAfterTheFirstScan() throws Exception {
        try (URLClassLoader loader = new URLClassLoader(new URL[] {tmp.toUri().toURL()}, getClass().getClassLoader())) {
            withContextLoader(loader, () -> {
                assertThat(TokenCounters.available()).containsExactly("estimate");
                writeServices(tmp, TokenCounterProvider.class, RegistryFixtures.Exact.class.getName());
                assertThat(TokenCounters.available()).as("cached until a rescan").containsExactly("estimate");
                Providers.rescan();
                assertThat(TokenCounters.available()).containsExactly("estimate", "exact");
                assertThat(TokenCounters.create("exact", ProviderOptions.EMPTY)).isNotNull();
                return null;
            });
        }
    }

    private static void writeServices(Path root, Class<?> spi, String... providers) throws IOException {
        Path services = Files.createDirectories(root.resolve("META-INF/services"));
        Files.write(services.resolve(spi.getName()), List.of(providers));
    }

    /**
     * A plugin's class loader: sees {@code root} and the test class path, but defines the classes named
     * {@code own} itself (from the test class path's bytes) instead of delegating them to its parent.
     */
    private static final class PluginLoader extends URLClassLoader {
        private final List<String> own;

        PluginLoader(Path root, String... own) throws IOException {
            super(new URL[] {root.toUri().toURL()}, ProviderCacheTest.class.getClassLoader());
            this.own = List.of(own);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!own.contains(name)) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                        byte[] bytes = in.readAllBytes();
                        c = defineClass(name, bytes, 0, bytes.length);
                    } catch (IOException e) {
                        throw new ClassNotFoundException(name, e);
                    }
                }
                return c;
            }
        }
    }
}
