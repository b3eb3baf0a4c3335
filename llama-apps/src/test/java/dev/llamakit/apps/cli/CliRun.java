package dev.llamakit.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** One run of the command line in a test: its exit code and what it printed, with the checks every test makes. */
record CliRun(int code, String out, String err) {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What no message may show: a Java exception's class name. */
    static final String CLASS_NAME = "(?s).*\\b[A-Z]\\w*(Exception|Error)\\b.*";

    /** Stdout as JSON. */
    JsonNode json() {
        try {
            return JSON.readTree(out);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + out, e);
        }
    }

    /** Stdout and stderr together. */
    String all() {
        return out + err;
    }

    /** Success. */
    CliRun ok() {
        assertThat(code).as("exit code; err=%s", err).isZero();
        return this;
    }

    /** A failure: exactly one line on stderr, no stack trace. */
    CliRun oneLineError(int expected) {
        assertThat(code).as("exit code; out=%s err=%s", out, err).isEqualTo(expected);
        assertThat(err.strip().lines().count()).as("stderr lines: %s", err).isEqualTo(1);
        assertThat(err).doesNotContain("\tat ");
        return this;
    }

    /** {@link #oneLineError} in the user's words: no Java class name either. */
    CliRun errorInWords(int expected) {
        oneLineError(expected);
        assertThat(err).doesNotMatch(CLASS_NAME);
        return this;
    }
}
