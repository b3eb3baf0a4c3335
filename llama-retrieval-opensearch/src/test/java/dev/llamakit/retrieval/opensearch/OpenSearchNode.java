package dev.llamakit.retrieval.opensearch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.common.transport.TransportAddress;
import org.opensearch.http.HttpServerTransport;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.TransportService;

/**
 * A real OpenSearch 2.19 node running inside the test JVM: Netty HTTP and transport on 127.0.0.1 (random ports), the
 * {@code analysis-common} plugin (the {@code english} analyzer) and, when its jar is on the class path, the k-NN
 * plugin (Maven adds it; see the module's pom). Not OpenSearch's test framework (which forces JUnit 4 and refuses to
 * run as root): a subclass of {@link Node}. One node, or several forming a cluster over TCP.
 */
final class OpenSearchNode implements AutoCloseable {
    static final String KNN_PLUGIN = "org.opensearch.knn.plugin.KNNPlugin";

    private final EmbeddedNode node;
    private final Path home;
    private final String name;
    private final String httpUrl;
    private final String transportAddress;
    private boolean closed;

    private OpenSearchNode(EmbeddedNode node, Path home, String name) {
        this.node = node;
        this.home = home;
        this.name = name;
        TransportAddress http = node.injector().getInstance(HttpServerTransport.class).boundAddress().publishAddress();
        this.httpUrl = "http://" + http.getAddress() + ":" + http.getPort();
        TransportAddress transport = node.injector().getInstance(TransportService.class).boundAddress().publishAddress();
        this.transportAddress = transport.getAddress() + ":" + transport.getPort();
    }

    /** Whether the k-NN plugin is on the class path (it is under Maven; an IDE run may lack it). */
    static boolean hasKnn() {
        try {
            Class.forName(KNN_PLUGIN);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** A single-node cluster. */
    static OpenSearchNode startSingle(String clusterName) {
        return start(clusterName, "node-0", Settings.builder().put("discovery.type", "single-node"));
    }

    /** The first node of a multi-node cluster; the others join with {@link #startJoining}. */
    static OpenSearchNode startClusterManager(String clusterName) {
        return start(clusterName, "node-0", Settings.builder()
                .putList("cluster.initial_cluster_manager_nodes", "node-0")
                .putList("discovery.seed_hosts", List.of()));
    }

    /** A node joining the cluster of {@code seed}. */
    static OpenSearchNode startJoining(OpenSearchNode seed, String nodeName) {
        return start(seed.clusterName(), nodeName, Settings.builder()
                .putList("discovery.seed_hosts", seed.transportAddress));
    }

    private String clusterName;

    private String clusterName() {
        return clusterName;
    }

    private static OpenSearchNode start(String clusterName, String nodeName, Settings.Builder extra) {
        // a second node in the same JVM would otherwise fail to set Netty's processor count again
        System.setProperty("opensearch.set.netty.runtime.available.processors", "false");
        Path home;
        try {
            home = Files.createTempDirectory("llamakit-opensearch-" + nodeName + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Settings settings = Settings.builder()
                .put("path.home", home.toString())
                .put("cluster.name", clusterName)
                .put("node.name", nodeName)
                .put("network.host", "127.0.0.1")
                .put("http.port", "0")
                .put("transport.port", "0")
                .put("cluster.routing.allocation.disk.threshold_enabled", false)
                .put(extra.build())
                .build();
        List<Class<? extends Plugin>> plugins = new ArrayList<>(List.of(
                org.opensearch.transport.Netty4Plugin.class,
                org.opensearch.analysis.common.CommonAnalysisPlugin.class));
        if (hasKnn()) {
            try {
                plugins.add(Class.forName(KNN_PLUGIN).asSubclass(Plugin.class));
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
        EmbeddedNode node = new EmbeddedNode(settings, plugins);
        try {
            node.start();
        } catch (Exception e) {
            try {
                node.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            deleteTree(home);
            throw new IllegalStateException("the OpenSearch node did not start: " + e, e);
        }
        OpenSearchNode started = new OpenSearchNode(node, home, nodeName);
        started.clusterName = clusterName;
        return started;
    }

    /** The HTTP base URL, e.g. {@code http://127.0.0.1:41234}. */
    String url() {
        return httpUrl;
    }

    String name() {
        return name;
    }

    /** Stops the node and deletes its data. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            node.close();
            node.awaitClose(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            deleteTree(home);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a leftover temporary directory is not worth failing a test run for
        }
    }

    @Override
    public String toString() {
        return "OpenSearchNode[" + name + " " + httpUrl + "]";
    }

    /** {@link Node} with its protected constructor opened and the JVM-wide node-id log hook switched off. */
    private static final class EmbeddedNode extends Node {
        EmbeddedNode(Settings settings, List<Class<? extends Plugin>> plugins) {
            super(InternalSettingsPreparer.prepareEnvironment(settings, Map.of(), null, () -> "embedded"), plugins, true);
        }

        @Override
        protected void configureNodeAndClusterIdStateListener(ClusterService clusterService) {
            // the listener sets a JVM-wide holder once; a second node in the same JVM would fail on it
        }
    }
}
