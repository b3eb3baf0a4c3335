package dev.llamakit.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.llamakit.retrieval.Retriever;
import dev.llamakit.tck.FaultyRetriever.Fault;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Tests the kit itself: each rule of {@link RetrieverContract} fails for a retriever that breaks it, and passes for
 * the same wrapper without a fault. The rules are package-private methods of the contract, called here directly on a
 * {@link FaultyRetrieverHarness}.
 */
class RetrieverContractSelfTest {

    @FunctionalInterface
    interface Rule {
        void check(RetrieverContract contract) throws Exception;
    }

    /** Every rule of the contract, by method name. */
    static final Map<String, Rule> RULES = new LinkedHashMap<>();

    /** The rule that must catch each fault. */
    static final Map<Fault, String> CATCHES = new EnumMap<>(Fault.class);

    static {
        RULES.put("emptyIndex", RetrieverContract::emptyIndex);
        RULES.put("deterministic", RetrieverContract::deterministic);
        RULES.put("topKBounds", RetrieverContract::topKBounds);
        RULES.put("relevance", RetrieverContract::relevance);
        RULES.put("upsertReplaces", RetrieverContract::upsertReplaces);
        RULES.put("deleteRemoves", RetrieverContract::deleteRemoves);
        RULES.put("oddQueriesAreSafe", RetrieverContract::oddQueriesAreSafe);
        RULES.put("metadataFilters", RetrieverContract::metadataFilters);
        RULES.put("hitsCarryTheirChunk", RetrieverContract::hitsCarryTheirChunk);
        RULES.put("concurrentReadsDuringWrites", RetrieverContract::concurrentReadsDuringWrites);
        RULES.put("closeIsFinal", RetrieverContract::closeIsFinal);

        CATCHES.put(Fault.IGNORES_TOP_K, "topKBounds");
        CATCHES.put(Fault.RETURNS_NON_MATCHING, "topKBounds");
        CATCHES.put(Fault.TIE_BREAK_VARIES_WITH_TOP_K, "topKBounds");
        CATCHES.put(Fault.RANKS_FROM_TWO, "deterministic");
        CATCHES.put(Fault.ASCENDING_SCORES, "deterministic");
        CATCHES.put(Fault.RANDOM_TIE_BREAK, "deterministic");
        CATCHES.put(Fault.WORST_FIRST_FOR_SINGLE_WORD, "relevance");
        CATCHES.put(Fault.KEEPS_OLD_CHUNKS, "upsertReplaces");
        CATCHES.put(Fault.COUNT_GROWS_ON_UPSERT, "upsertReplaces");
        CATCHES.put(Fault.IGNORES_DELETE, "deleteRemoves");
        CATCHES.put(Fault.DELETE_HIDES_ONLY_FROM_COUNT, "deleteRemoves");
        CATCHES.put(Fault.UNKNOWN_ID_DELETE_FAILS, "deleteRemoves");
        CATCHES.put(Fault.NOT_EMPTY_WHEN_EMPTY, "emptyIndex");
        CATCHES.put(Fault.THROWS_ON_QUERY_SYNTAX, "oddQueriesAreSafe");
        CATCHES.put(Fault.THROWS_ON_BLANK, "oddQueriesAreSafe");
        CATCHES.put(Fault.IGNORES_FILTERS, "metadataFilters");
        CATCHES.put(Fault.FILTERS_AFTER_TOP_K, "metadataFilters");
        CATCHES.put(Fault.CHANGES_CHUNK_TEXT, "hitsCarryTheirChunk");
        CATCHES.put(Fault.SHIFTED_OFFSETS, "hitsCarryTheirChunk");
        CATCHES.put(Fault.WRONG_RETRIEVER_NAME, "hitsCarryTheirChunk");
        CATCHES.put(Fault.DROPS_METADATA, "hitsCarryTheirChunk");
        CATCHES.put(Fault.UNSYNCHRONIZED, "concurrentReadsDuringWrites");
        CATCHES.put(Fault.USABLE_AFTER_CLOSE, "closeIsFinal");
        CATCHES.put(Fault.SECOND_CLOSE_THROWS, "closeIsFinal");
    }

    /** Runs one rule as JUnit would: the rule, then the contract's clean-up. */
    static void run(RetrieverContract contract, Rule rule) throws Exception {
        try {
            rule.check(contract);
        } finally {
            contract.closeRetrievers();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Fault.class, mode = EnumSource.Mode.EXCLUDE, names = "NONE")
    @DisplayName("the rule meant to catch a fault fails for a retriever with it")
    void ruleCatchesFault(Fault fault) {
        String rule = CATCHES.get(fault);
        assertThat(rule).as("the rule that catches %s", fault).isNotNull();
        Throwable failure = catchThrowable(() -> run(new FaultyRetrieverHarness(fault), RULES.get(rule)));
        assertThat(failure).as("%s with %s", rule, fault).isNotNull()
                .isInstanceOfAny(AssertionError.class, RuntimeException.class);
    }

    @Test
    @DisplayName("every rule has a fault it catches, and passes for the wrapper without a fault")
    void everyRulePassesWithoutFault() {
        assertThat(CATCHES.values()).containsAll(RULES.keySet());
        assertThat(RULES).hasSize(11);
        RULES.forEach((name, rule) -> assertThatCode(() -> run(new FaultyRetrieverHarness(), rule))
                .as("%s without a fault", name).doesNotThrowAnyException());
    }

    @Test
    @DisplayName("the contract closes every retriever it opened, even those a rule left open")
    void closesWhatItOpens() {
        FaultyRetrieverHarness contract = new FaultyRetrieverHarness();
        contract.indexedRetriever();
        contract.retriever();
        contract.closeRetrievers();
        assertThat(contract.made).hasSize(2);
        for (Retriever r : contract.made) {
            assertThat(catchThrowable(r::count)).as("count() of a retriever after the clean-up")
                    .isInstanceOf(IllegalStateException.class);
        }
    }
}
