package dev.llamakit.apps.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SourceTextTest {
    private static final String DOC = String.join("\n",
            "# Options", // 1
            "", // 2
            "| option | values | default |", // 3
            "|---|---|---|", // 4
            "| `chunk-tokens` | ≥ 1 | 256 |", // 5
            "| `chunk-overlap` | ≥ 0 | 32 |", // 6
            "", // 7
            "| a | b |", // 8
            "| c | d |", // 9
            "", // 10
            "```", // 11
            "code", // 12
            "```"); // 13

    @Test
    void findsTheHeaderRowOfARowsTable() {
        SourceText source = SourceText.of(DOC);
        assertThat(source.tableHeader(5)).contains("| option | values | default |");
        assertThat(source.tableHeader(6)).contains("| option | values | default |");
    }

    @Test
    void noHeaderForAHeaderRowATableWithoutRuleOrOtherLines() {
        SourceText source = SourceText.of(DOC);
        assertThat(source.tableHeader(3)).isEmpty();
        assertThat(source.tableHeader(9)).isEmpty();
        assertThat(source.tableHeader(1)).isEmpty();
        assertThat(source.tableHeader(0)).isEmpty();
        assertThat(source.tableHeader(99)).isEmpty();
    }

    @Test
    void knowsCodeAndHeadingsAndFindsLines() {
        SourceText source = SourceText.of(DOC);
        assertThat(source.isHeading(1)).isTrue();
        assertThat(source.inCode(12)).isTrue();
        assertThat(source.lineOf("chunk-overlap ≥ 0 32", 1)).hasValue(6);
    }
}
