package dev.llamakit.apps.cli;

import dev.llamakit.apps.cli.config.CliConfig;
import java.util.Objects;

/**
 * The profile a run uses: {@code --profile}, else {@code LLAMA_PROFILE}, else the file's {@code default-profile},
 * else {@code default}.
 *
 * @param name        the profile's name
 * @param from        {@code --profile}, {@code LLAMA_PROFILE}, {@code default-profile} or {@code built-in}
 * @param namedByFlag whether {@code --profile} named it (its settings then rank with the flags, above the environment)
 */
record ProfileInUse(String name, String from, boolean namedByFlag) {
    ProfileInUse {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(from, "from");
    }

    static ProfileInUse of(CommonOptions o, CliContext ctx, CliConfig config) {
        if (o.profile != null && !o.profile.isBlank()) {
            return new ProfileInUse(o.profile.strip(), "--profile", true);
        }
        String variable = ctx.variable("LLAMA_PROFILE");
        if (variable != null) {
            return new ProfileInUse(variable.strip(), "LLAMA_PROFILE", false);
        }
        if (config.defaultProfile() != null) {
            return new ProfileInUse(config.defaultProfile(), "default-profile", false);
        }
        return new ProfileInUse(CliConfig.DEFAULT, "built-in", false);
    }

    /** Whether the profile must exist in the file: any profile but an implicit {@code default}. */
    boolean required() {
        return !from.equals("built-in");
    }
}
