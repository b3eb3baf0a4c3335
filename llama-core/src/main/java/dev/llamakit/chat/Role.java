package dev.llamakit.chat;

/** The author of a {@link Message}. */
public enum Role {
    SYSTEM("system"),
    USER("user"),
    ASSISTANT("assistant"),
    TOOL("tool");

    private final String wireName;

    Role(String wireName) {
        this.wireName = wireName;
    }

    /** The role as written on the wire ({@code "system"}, {@code "user"}, ...). */
    public String wireName() {
        return wireName;
    }
}
