package dev.llamakit.retrieval;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Objects;

/**
 * The text a retriever indexes, embeds and reranks a chunk by, and the hash that keys a stored vector to it. Every
 * retriever uses these two, so that a chunk reads the same to keyword search, to an embedder and to a reranker, and
 * an index written by one version finds its vectors again in the next: both values are stored in indexes and do
 * not change.
 */
public final class IndexText {
    private IndexText() {
    }

    /** The chunk's title, a line break, then its text; just the text when the title is blank. */
    public static String of(Chunk chunk) {
        Objects.requireNonNull(chunk, "chunk");
        return chunk.title().isBlank() ? chunk.text() : chunk.title() + "\n" + chunk.text();
    }

    /**
     * The SHA-256 of {@code text}'s UTF-16 code units (big-endian; exact even for unpaired surrogates, which UTF-8
     * would replace), in URL-safe Base64 without padding: 43 characters.
     */
    public static String hash(String text) {
        Objects.requireNonNull(text, "text");
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
        byte[] pair = new byte[2];
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            pair[0] = (byte) (c >>> 8);
            pair[1] = (byte) c;
            sha.update(pair);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sha.digest());
    }
}
