package dev.llamakit.local;

import de.kherud.llama.LlamaModel;
import dev.llamakit.local.LocalModelException.Reason;
import java.util.regex.Pattern;

/**
 * A JSON schema as a llama.cpp grammar (GBNF), so that the sampler can only write JSON of that schema. llama.cpp's
 * converter lets up to two newlines and twenty blanks follow every token, whitespace a model can loop on and that
 * costs tokens; here at most one space is allowed.
 */
final class JsonGrammar {
    private static final Pattern SPACE_RULE = Pattern.compile("(?m)^space ::= .*$");
    static final String ONE_SPACE = "space ::= | \" \"";

    private JsonGrammar() {
    }

    static String of(String jsonSchema) {
        String safe = GrammarSchema.prepare(jsonSchema); // llama.cpp ends the process on a schema it cannot convert
        String grammar;
        try {
            grammar = LlamaModel.jsonSchemaToGrammar(safe);
        } catch (RuntimeException e) {
            throw new LocalModelException(Reason.UNSUPPORTED, "llama.cpp cannot turn this JSON schema into a grammar: "
                    + e.getMessage(), e);
        }
        return SPACE_RULE.matcher(grammar).replaceAll(ONE_SPACE);
    }
}
