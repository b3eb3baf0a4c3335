package dev.llamakit.apps.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CodeFencesTest {
    @Test
    void fencesAreBackticksOrTildesAtTheStartOfALine() {
        assertThat(CodeFences.isFence("```java")).isTrue();
        assertThat(CodeFences.isFence("  ~~~")).isTrue();
        assertThat(CodeFences.isFence("    ```")).as("inside a list item").isTrue();
        assertThat(CodeFences.isFence("a ``` b")).isFalse();
        assertThat(CodeFences.openAtEnd("text\n~~~\ncode")).contains("~~~");
        assertThat(CodeFences.openAtEnd("text\n```\ncode\n```\n")).isEmpty();
    }

    @Test
    void piecesCutInsideABlockAreClosedAndReopened() {
        assertThat(CodeFences.closeAcross(List.of("prose\n```\ncode 1", "code 2\n```\nprose", "more")))
                .containsExactly("prose\n```\ncode 1\n```", "```\ncode 2\n```\nprose", "more");
        assertThat(CodeFences.closeAcross(List.of("a", "b"))).containsExactly("a", "b");
    }
}
