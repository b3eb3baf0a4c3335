package dev.llamakit.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ProviderOptionsTest {

    @Test
    void toStringMasksSecretsAndShowsTheRest() {
        ProviderOptions options = ProviderOptions.builder()
                .put("url", "http://127.0.0.1:9200")
                .put("password", "hunter2-secret")
                .put("api-key", "ak-123456")
                .put("trust-store-password", "changeit-xyz")
                .put("access-token", "tok-999")
                .put("max-tokens", "512")
                .put("chunk-tokens", "200")
                .build();
        String shown = options.toString();
        assertThat(shown).doesNotContain("hunter2-secret", "ak-123456", "changeit-xyz", "tok-999")
                .contains("url=http://127.0.0.1:9200", "max-tokens=512", "chunk-tokens=200", "password=***",
                        "api-key=***");
        assertThat(options.values()).containsEntry("password", "hunter2-secret"); // the value itself is intact
    }

    @Test
    void ofCopiesTheValues() {
        assertThat(ProviderOptions.of(Map.of("k", "v")).string("k")).contains("v");
    }
}
