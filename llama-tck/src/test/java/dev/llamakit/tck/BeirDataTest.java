package dev.llamakit.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BeirDataTest {
    @TempDir
    Path tmp;

    @Test
    void findsTheDatasetInAFolderAboveTheStart() throws Exception {
        Path scifact = Files.createDirectories(tmp.resolve("shared/data/beir/scifact"));
        Path module = Files.createDirectories(tmp.resolve("repo/llama-x"));
        assertThat(BeirData.find("scifact", null, module)).contains(scifact);
        assertThat(BeirData.find("nfcorpus", null, module)).isEmpty();
    }

    @Test
    void aConfiguredFolderWinsAndIsNotSearchedAbove() throws Exception {
        Files.createDirectories(tmp.resolve("shared/data/beir/scifact"));
        Path configured = Files.createDirectories(tmp.resolve("elsewhere"));
        assertThat(BeirData.find("scifact", configured.toString(), tmp)).isEmpty();
        Path scifact = Files.createDirectories(configured.resolve("scifact"));
        assertThat(BeirData.find("scifact", configured.toString(), tmp)).contains(scifact);
        assertThat(BeirData.find("scifact", " ", tmp)).as("a blank setting is no setting")
                .contains(tmp.resolve("shared/data/beir/scifact"));
    }

    @Test
    void saysWhereItLooked() {
        assertThat(BeirData.whereLooked("scifact")).contains("shared/data/beir/scifact").contains(BeirData.PROPERTY)
                .contains(BeirData.ENVIRONMENT);
    }
}
