package dev.llamakit.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The offline answerer on {@code questions/docs.json}, questions about this project's {@code docs/} ({@link
 * AnswerQuality} says how answers are judged): prints the table and the shares, and fails when they regress.
 */
class OfflineAnswerQualityTest {
    static final Path DOCS = Path.of("../docs").toAbsolutePath().normalize();
    /**
     * The fewest right answers of the 52 answerable questions this test accepts. Measured: 17 right, 23 wrong with
     * word overlap alone; 26 right, 16 wrong with the passage selector; 29 right, 17 wrong, 6 abstained since it
     * reads answer types, table headers and nearby lines. ONNX Runtime's multi-threaded float sums move close scores
     * a little from run to run, hence the margin. The goal, 80 % right and 5 % wrong, is not reached.
     */
    static final long MIN_RIGHT = 27;
    /** The most wrong answers of the 52 answerable questions this test accepts. */
    static final long MAX_WRONG = 19;

    @Test
    void answersMostQuestionsRightAndAbstainsOnTheRest() {
        AnswerQuality.Report report = AnswerQuality.measure(DOCS, "/questions/docs.json");
        System.out.println(report.table());
        assertThat(report.answerable()).hasSizeGreaterThanOrEqualTo(45);
        assertThat(report.unanswerable()).hasSizeGreaterThanOrEqualTo(6);
        assertThat(report.right()).as("right answers; %s", report.summary()).isGreaterThanOrEqualTo(MIN_RIGHT);
        assertThat(report.wrong()).as("wrong answers; %s", report.summary()).isLessThanOrEqualTo(MAX_WRONG);
        assertThat(report.answeredUnanswerable()).as("answered unanswerable questions; %s", report.summary())
                .isLessThanOrEqualTo(1);
    }
}
