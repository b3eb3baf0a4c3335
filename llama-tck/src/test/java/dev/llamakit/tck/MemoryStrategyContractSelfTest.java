package dev.llamakit.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.llamakit.chat.Message;
import dev.llamakit.memory.ContextTooLargeException;
import dev.llamakit.memory.FullHistoryStrategy;
import dev.llamakit.memory.MemoryContext;
import dev.llamakit.memory.MemoryInput;
import dev.llamakit.memory.MemoryStrategy;
import dev.llamakit.memory.TranscriptEntry;
import dev.llamakit.memory.TranscriptUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Tests the kit itself: the rules added for issue 14 fail for a strategy that breaks them and pass for a plain correct
 * one (the most recent units that fit).
 */
class MemoryStrategyContractSelfTest {

    /** The contract against {@code strategy}. */
    static MemoryStrategyContract contractFor(MemoryStrategy strategy) {
        return new MemoryStrategyContract() {
            @Override
            protected MemoryStrategy strategy() {
                return strategy;
            }
        };
    }

    /** Correct: the system message, then the most recent units that fit. */
    static final MemoryStrategy RECENT_UNITS = new MemoryStrategy() {
        @Override
        public String name() {
            return "recent-units";
        }

        @Override
        public MemoryContext select(MemoryInput input) {
            int room = input.budget().promptTokens() - input.requireMinimalContextFits(name());
            List<List<TranscriptEntry>> units = input.transcript().units();
            int start = units.size() - 1;
            while (start > 0) {
                int t = TranscriptUnit.of(units.get(start - 1), input.tokens()).tokens();
                if (t > room) {
                    break;
                }
                room -= t;
                start--;
            }
            List<TranscriptEntry> chosen = new ArrayList<>();
            units.subList(start, units.size()).forEach(chosen::addAll);
            return context(input, chosen);
        }
    };

    /** Broken: sends the raw transcript tail (orphan and duplicate results, system entries in place, unanswered turns). */
    static final MemoryStrategy RAW_TAIL = new MemoryStrategy() {
        @Override
        public String name() {
            return "raw-tail";
        }

        @Override
        public MemoryContext select(MemoryInput input) {
            int room = input.budget().promptTokens() - input.requireMinimalContextFits(name());
            List<TranscriptEntry> entries = input.transcript().entries();
            int start = entries.size() - 1;
            while (start > 0 && input.tokens().count(entries.get(start - 1).message()) <= room) {
                room -= input.tokens().count(entries.get(start - 1).message());
                start--;
            }
            return context(input, entries.subList(start, entries.size()));
        }
    };

    static MemoryContext context(MemoryInput input, List<TranscriptEntry> chosen) {
        List<Message> messages = new ArrayList<>();
        input.systemMessage().ifPresent(messages::add);
        List<Long> seqs = new ArrayList<>();
        for (TranscriptEntry e : chosen) {
            messages.add(e.message());
            seqs.add(e.seq());
        }
        return new MemoryContext(messages, seqs, 0, input.tokens().count(messages));
    }

    @Test
    void aCorrectStrategyPassesTheNewRules() {
        MemoryStrategyContract contract = contractFor(RECENT_UNITS);
        assertThatCode(contract::requestsAreValid).doesNotThrowAnyException();
        assertThatCode(contract::systemEntriesFoldedIntoTheHead).doesNotThrowAnyException();
        assertThatCode(contract::strayAndDuplicateResultsLeftOut).doesNotThrowAnyException();
        assertThatCode(contract::oversizeHistoryMessageIsSkippedNotFatal).doesNotThrowAnyException();
        assertThatCode(contract::budgetNeverExceeded).doesNotThrowAnyException();
        assertThatCode(contract::noSystemMessage).doesNotThrowAnyException();
    }

    @Test
    void aStrategyThatGivesUpWhenTheHistoryDoesNotFitFails() {
        Throwable failure = catchThrowable(contractFor(new FullHistoryStrategy())::budgetNeverExceeded);
        assertThat(failure).isInstanceOf(AssertionError.class).hasMessageContaining("gave up");
        assertThat(catchThrowable(contractFor(new FullHistoryStrategy())::oversizeHistoryMessageIsSkippedNotFatal))
                .isInstanceOf(ContextTooLargeException.class);
    }

    @Test
    void aStrategyThatSendsTheRawTranscriptFails() {
        MemoryStrategyContract contract = contractFor(RAW_TAIL);
        assertThat(catchThrowable(contract::requestsAreValid)).isInstanceOf(AssertionError.class);
        assertThat(catchThrowable(contract::systemEntriesFoldedIntoTheHead)).isInstanceOf(AssertionError.class);
        assertThat(catchThrowable(contract::strayAndDuplicateResultsLeftOut)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("answer each call once");
    }
}
