package dev.llamakit.apps.cli;

import java.lang.reflect.Proxy;

/**
 * Ctrl-C (SIGINT) through {@code sun.misc.Signal}, found reflectively: on a JVM without it (or where the signal is
 * taken) nothing is installed and Ctrl-C keeps its default meaning.
 */
final class InterruptHandler {
    private InterruptHandler() {
    }

    /** Installs {@code onInterrupt} for SIGINT; returns what restores the previous handler. */
    static Runnable install(Runnable onInterrupt) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
            Object sigint = signal.getConstructor(String.class).newInstance("INT");
            Object handler = Proxy.newProxyInstance(handlerType.getClassLoader(), new Class<?>[] {handlerType},
                    (proxy, method, args) -> {
                        switch (method.getName()) {
                            case "handle":
                                onInterrupt.run();
                                return null;
                            case "hashCode":
                                return System.identityHashCode(proxy);
                            case "equals":
                                return proxy == args[0];
                            default:
                                return "llama chat SIGINT handler";
                        }
                    });
            var handle = signal.getMethod("handle", signal, handlerType);
            Object previous = handle.invoke(null, sigint, handler);
            return () -> {
                try {
                    handle.invoke(null, sigint, previous);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    // the JVM is going away anyway
                }
            };
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return () -> { };
        }
    }
}
