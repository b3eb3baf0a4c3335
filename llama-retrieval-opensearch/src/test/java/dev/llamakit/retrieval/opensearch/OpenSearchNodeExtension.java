package dev.llamakit.retrieval.opensearch;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives test methods and constructors an {@link OpenSearchNode} parameter: ONE single-node cluster per test JVM,
 * started on first use and stopped when the test run ends (it lives in the root store as a
 * {@link ExtensionContext.Store.CloseableResource}). Test classes share it and each works on indices of its own.
 */
public final class OpenSearchNodeExtension implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(OpenSearchNodeExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == OpenSearchNode.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent("node", key -> new Shared(OpenSearchNode.startSingle("llamakit-test")), Shared.class)
                .node;
    }

    /** The node, closed by JUnit at the end of the run (JUnit 5.13+ closes AutoCloseable values; older ones CloseableResource). */
    @SuppressWarnings("deprecation")
    private static final class Shared implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        final OpenSearchNode node;

        Shared(OpenSearchNode node) {
            this.node = node;
        }

        @Override
        public void close() {
            node.close();
        }
    }
}
