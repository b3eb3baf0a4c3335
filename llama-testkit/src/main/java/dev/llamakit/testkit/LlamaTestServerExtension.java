package dev.llamakit.testkit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Objects;

/**
 * Runs a {@link LlamaTestServer} for JUnit 5 tests and injects it into {@code LlamaTestServer}
 * parameters.
 *
 * <ul>
 *   <li>In a {@code static} field, {@code @RegisterExtension static LlamaTestServerExtension server =
 *       new LlamaTestServerExtension();}: one server for the whole class, reached with
 *       {@link #server()}; before each test its reply queue and recorded requests are cleared.</li>
 *   <li>With {@code @ExtendWith(LlamaTestServerExtension.class)}, or in an instance field: a fresh
 *       server for each test, closed after it.</li>
 * </ul>
 * Pass a configured builder to {@link #LlamaTestServerExtension(LlamaTestServer.Builder)} to
 * change the server's configuration. With tests of one class running in parallel, per-test
 * servers are safe only through parameter injection, not through {@link #server()}.
 */
public final class LlamaTestServerExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(LlamaTestServerExtension.class);
    private static final String KEY = "server";

    private final LlamaTestServer.Builder builder;
    private volatile LlamaTestServer classServer;
    private volatile String classOwner;
    private volatile LlamaTestServer testServer;

    /** An extension whose servers use the default configuration. */
    public LlamaTestServerExtension() {
        this(LlamaTestServer.builder());
    }

    /** An extension whose servers are started from {@code builder}. */
    public LlamaTestServerExtension(LlamaTestServer.Builder builder) {
        this.builder = Objects.requireNonNull(builder, "builder must not be null");
    }

    /**
     * The running server: the class-wide one in static-field mode, else the current test's.
     *
     * @throws IllegalStateException outside a test's life cycle
     */
    public LlamaTestServer server() {
        LlamaTestServer server = classServer != null ? classServer : testServer;
        if (server == null) {
            throw new IllegalStateException("No LlamaTestServer is running: server() works only while a test "
                    + "(or, for a static @RegisterExtension field, its class) is running");
        }
        return server;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (classServer == null && heldInStaticField(context.getRequiredTestClass())) {
            classServer = builder.start();
            classOwner = context.getUniqueId();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (classServer != null && context.getUniqueId().equals(classOwner)) {
            classServer.close();
            classServer = null;
            classOwner = null;
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (classServer != null) {
            classServer.reset();
            return;
        }
        LlamaTestServer server = builder.start();
        context.getStore(NAMESPACE).put(KEY, server);
        testServer = server;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        LlamaTestServer server = context.getStore(NAMESPACE).remove(KEY, LlamaTestServer.class);
        if (server != null) {
            server.close();
            if (testServer == server) {
                testServer = null;
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == LlamaTestServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        LlamaTestServer server = extensionContext.getStore(NAMESPACE).get(KEY, LlamaTestServer.class);
        if (server != null) {
            return server;
        }
        if (classServer != null) {
            return classServer;
        }
        throw new IllegalStateException("No LlamaTestServer for " + parameterContext.getParameter()
                + ": in per-test mode servers exist only for test methods and @BeforeEach/@AfterEach methods");
    }

    /** Whether this instance is the value of a static field of the test class or a class enclosing it. */
    private boolean heldInStaticField(Class<?> testClass) {
        for (Class<?> outer = testClass; outer != null; outer = outer.getEnclosingClass()) {
            for (Class<?> type = outer; type != null && type != Object.class; type = type.getSuperclass()) {
                for (Field field : type.getDeclaredFields()) {
                    if (Modifier.isStatic(field.getModifiers())
                            && LlamaTestServerExtension.class.isAssignableFrom(field.getType())
                            && field.trySetAccessible()) {
                        try {
                            if (field.get(null) == this) {
                                return true;
                            }
                        } catch (IllegalAccessException e) {
                            // not readable: not ours to decide on
                        }
                    }
                }
            }
        }
        return false;
    }
}
