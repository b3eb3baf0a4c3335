package dev.llamakit.apps.cli;

import dev.llamakit.apps.rag.Citations;
import java.util.function.IntSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A streamed RAG answer as {@code rag ask} prints it whole: markers renumbered by {@link Citations#renumber}. The
 * text from where a marker may still be arriving ({@code " [1, "}, a trailing space) is held back until it is
 * complete; what comes before renumbers as it will in the whole answer, since markers are numbered in order of
 * first citation.
 */
final class StreamedCitations implements StreamingModel.StablePrefix {
    /** A tail that may be the start of a marker: a space, or an optional space, {@code [} and digits, commas, spaces. */
    private static final Pattern OPEN_TAIL = Pattern.compile("(?:\\s?\\[[\\d\\s,]*|\\s)$");

    private final IntSupplier sources;

    /** @param sources how many sources the answer may cite (known once they are retrieved, before the model runs) */
    StreamedCitations(IntSupplier sources) {
        this.sources = sources;
    }

    @Override
    public String stable(String partial) {
        Matcher open = OPEN_TAIL.matcher(partial);
        String closed = open.find() ? partial.substring(0, open.start()) : partial;
        return whole(closed);
    }

    @Override
    public String whole(String reply) {
        return Citations.renumber(reply, sources.getAsInt()).text();
    }
}
