package dev.llamakit.chat;

import java.util.Objects;
import java.util.Optional;

/** Whether and which tool the model must call: {@code none}, {@code auto}, {@code required} or one named function. */
public final class ToolChoice {
    /** The model must not call tools. */
    public static final ToolChoice NONE = new ToolChoice("none", null);
    /** The model decides. */
    public static final ToolChoice AUTO = new ToolChoice("auto", null);
    /** The model must call at least one tool. */
    public static final ToolChoice REQUIRED = new ToolChoice("required", null);

    private final String mode;
    private final String functionName;

    private ToolChoice(String mode, String functionName) {
        this.mode = mode;
        this.functionName = functionName;
    }

    /** The model must call the named function. */
    public static ToolChoice function(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("function name must not be blank");
        }
        return new ToolChoice("function", name);
    }

    /** {@code none}, {@code auto}, {@code required} or {@code function}. */
    public String mode() {
        return mode;
    }

    /** The forced function's name, for {@link #function(String)}. */
    public Optional<String> functionName() {
        return Optional.ofNullable(functionName);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ToolChoice c && mode.equals(c.mode) && Objects.equals(functionName, c.functionName);
    }

    @Override
    public int hashCode() {
        return Objects.hash(mode, functionName);
    }

    @Override
    public String toString() {
        return functionName == null ? "ToolChoice[" + mode + "]" : "ToolChoice[function=" + functionName + "]";
    }
}
