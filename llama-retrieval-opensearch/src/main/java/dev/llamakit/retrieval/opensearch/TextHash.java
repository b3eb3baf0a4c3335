package dev.llamakit.retrieval.opensearch;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The key a chunk's vector is reused by: SHA-256 over the UTF-16 code units of the embedded text (exact even for
 * unpaired surrogates), URL-safe Base64 without padding. The same key as the Lucene index's vector key.
 */
final class TextHash {
    private TextHash() {
    }

    static String of(String text) {
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
