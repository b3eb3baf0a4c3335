package dev.llamakit.spi;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Class loaders for registry tests (register with {@code @RegisterExtension}): each sees the test class path plus
 * one {@code META-INF/services} file of its own, in a temporary directory, so that a test can list providers the
 * module's real services files do not (duplicates, failing providers). Closed and deleted after each test.
 */
public final class ServiceFiles implements AfterEachCallback {
    private final String fixtures;
    private final List<URLClassLoader> loaders = new ArrayList<>();
    private final List<Path> roots = new ArrayList<>();

    private ServiceFiles(String fixtures) {
        this.fixtures = fixtures;
    }

    /** Service files whose simple provider names are nested classes of {@code holder} (names with a dot are kept). */
    public static ServiceFiles listing(Class<?> holder) {
        return new ServiceFiles(holder.getName() + "$");
    }

    /** A class loader that sees this module's classes and services plus a services file for {@code spi}. */
    public ClassLoader loaderWith(Class<?> spi, String... providers) throws IOException {
        Path root = Files.createTempDirectory("services");
        roots.add(root);
        Path services = Files.createDirectories(root.resolve("META-INF/services"));
        List<String> lines = new ArrayList<>(List.of("# test providers", ""));
        for (String p : providers) {
            lines.add(p.contains(".") ? p : fixtures + p);
        }
        Files.write(services.resolve(spi.getName()), lines);
        URLClassLoader loader = new URLClassLoader(new URL[] {root.toUri().toURL()}, ServiceFiles.class.getClassLoader());
        loaders.add(loader);
        return loader;
    }

    /** Runs {@code action} with {@code loader} as the context class loader, restoring the previous one. */
    public static <T> T withContextLoader(ClassLoader loader, Callable<T> action) throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return action.call();
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        for (URLClassLoader l : loaders) {
            l.close();
        }
        loaders.clear();
        for (Path root : roots) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        roots.clear();
    }
}
