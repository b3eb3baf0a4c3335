package dev.llamakit.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llamakit.testkit.SyntheticGgufModel;
import java.util.ArrayList;
import java.util.List;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** java-llama.cpp leaves a non-daemon native thread behind; a JVM whose model was closed must still exit. */
class JvmExitTest {
    @TempDir
    Path dir;

    @Test
    void theJvmExitsNormallyAfterClose() throws Exception {
        Process child = probe(SyntheticGgufModel.builder().build().write(dir.resolve("m.gguf")).toString());
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the child JVM exited").isTrue();
        assertThat(child.exitValue()).isZero();
    }

    @Test
    void aMainThatFailsAfterCloseStillExitsWithStatusOne() throws Exception {
        Process child = probe(SyntheticGgufModel.builder().build().write(dir.resolve("m.gguf")).toString(), "fail");
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the child JVM exited").isTrue();
        assertThat(child.exitValue()).isEqualTo(1);
    }

    private Process probe(String... args) throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var command = new ArrayList<>(List.of(javaBin, "-cp", System.getProperty("java.class.path")));
        String tmp = System.getProperty("de.kherud.llama.tmpdir");
        if (tmp != null) {
            command.add(1, "-Dde.kherud.llama.tmpdir=" + tmp);
        }
        command.add(ExitProbe.class.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("child.log").toFile()).start();
    }
}
