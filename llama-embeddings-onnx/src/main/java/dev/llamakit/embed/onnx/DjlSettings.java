package dev.llamakit.embed.onnx;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps DJL's tokenizer binding off the network. Every {@code HuggingFaceTokenizer.newInstance} calls DJL's
 * telemetry ({@code Ec2Utils.callHome}), which asks the EC2 instance-metadata address unless {@code OPT_OUT_TRACKING}
 * (or offline mode) is set; and on a machine with CUDA the binding downloads a CUDA build of its native library
 * unless {@code RUST_FLAVOR} says {@code cpu} (the CPU library ships in the jar and is unpacked from there). Both
 * are set as system properties before the first tokenizer is made, unless the user set them (as system property or
 * environment variable). Internal.
 */
final class DjlSettings {
    private static final Logger LOG = LoggerFactory.getLogger(DjlSettings.class);

    /** DJL's telemetry switch: {@code true} turns the EC2 call-home off. */
    static final String OPT_OUT_TRACKING = "OPT_OUT_TRACKING";
    /** The native flavour of DJL's tokenizer library: {@code cpu} is the one inside the jar. */
    static final String RUST_FLAVOR = "RUST_FLAVOR";

    private static volatile boolean applied;

    private DjlSettings() {
    }

    /** Sets the properties (once per JVM), before any DJL tokenizer is made. */
    static void apply() {
        if (applied) {
            return;
        }
        synchronized (DjlSettings.class) {
            if (!applied) {
                Map<String, String> set = missing(System::getenv, System.getProperties());
                set.forEach(System::setProperty);
                if (!set.isEmpty()) {
                    LOG.debug("set {} so that DJL's tokenizer binding never reaches the network", set);
                }
                applied = true;
            }
        }
    }

    /** The properties to set: those of ours that neither the environment nor the system properties set. */
    static Map<String, String> missing(UnaryOperator<String> env, Properties properties) {
        Map<String, String> wanted = new LinkedHashMap<>();
        wanted.put(OPT_OUT_TRACKING, "true");
        wanted.put(RUST_FLAVOR, "cpu");
        Map<String, String> set = new LinkedHashMap<>();
        wanted.forEach((key, value) -> {
            String fromEnv = env.apply(key);
            if ((fromEnv == null || fromEnv.isEmpty()) && properties.getProperty(key) == null) {
                set.put(key, value);
            }
        });
        return set;
    }
}
