package dev.llamakit.internal.http;

import java.net.URI;
import java.util.regex.Pattern;

/** Removes credentials (the user-info part, {@code user:key@}) from URLs before they are shown. Internal. */
public final class UrlRedaction {
    private static final Pattern USER_INFO = Pattern.compile("(?i)(\\b[a-z][a-z0-9+.-]*://)[^/?#@\\s]*@");

    private UrlRedaction() {
    }

    /** {@code url} with any user-info replaced by {@code ***}; for messages about text the user typed. */
    public static String redact(String url) {
        return url == null ? null : USER_INFO.matcher(url).replaceAll("$1***@");
    }

    /** {@code uri} without its user-info part. */
    public static URI withoutUserInfo(URI uri) {
        if (uri.getRawUserInfo() == null) {
            return uri;
        }
        StringBuilder b = new StringBuilder(uri.getScheme()).append("://").append(uri.getHost());
        if (uri.getPort() != -1) {
            b.append(':').append(uri.getPort());
        }
        if (uri.getRawPath() != null) {
            b.append(uri.getRawPath());
        }
        if (uri.getRawQuery() != null) {
            b.append('?').append(uri.getRawQuery());
        }
        return URI.create(b.toString());
    }
}
