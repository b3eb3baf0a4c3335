package dev.llamakit.tck;

import dev.llamakit.retrieval.Retriever;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * {@link RetrieverContract} over the reference retriever wrapped with one {@link FaultyRetriever.Fault}, for
 * {@link RetrieverContractSelfTest}, which calls its rules directly. Without arguments (as JUnit would make it, should
 * a test filter select it) it has no fault and passes.
 */
class FaultyRetrieverHarness extends RetrieverContract {
    private final FaultyRetriever.Fault fault;
    final List<Retriever> made = new CopyOnWriteArrayList<>();

    FaultyRetrieverHarness() {
        this(FaultyRetriever.Fault.NONE);
    }

    FaultyRetrieverHarness(FaultyRetriever.Fault fault) {
        this.fault = fault;
    }

    @Override
    protected Retriever newRetriever() {
        Retriever r = new FaultyRetriever(new TermOverlapRetriever("faulty", TermOverlapRetriever.Chunking.SENTENCES), fault);
        made.add(r);
        return r;
    }

    @Override
    protected int concurrentWriteRounds() {
        return 10;
    }
}
