package dev.llamakit.moderation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llamakit.chat.AssistantMessage;
import dev.llamakit.chat.Message;
import dev.llamakit.client.ChatModel;
import dev.llamakit.client.ChatResponse;
import dev.llamakit.client.Dialect;
import dev.llamakit.client.LlamaClient;
import dev.llamakit.testkit.LlamaTestServer;
import dev.llamakit.testkit.LlamaTestServerExtension;
import dev.llamakit.testkit.RecordedRequest;
import dev.llamakit.testkit.ScriptedReply;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Llama Guard 3 through chat completions, on the loopback test server in both dialects. */
class LlamaGuardModeratorTest {
    static final String KEY = "guard-test-key";
    static final String GUARD_8B = "Llama-Guard-3-8B";
    static final String GUARD_1B = "meta-llama/Llama-Guard-3-1B";

    /** Llama Guard 3's categories block, written out from the model card (not from the code under test). */
    static final String CATEGORIES = """
            <BEGIN UNSAFE CONTENT CATEGORIES>
            S1: Violent Crimes.
            S2: Non-Violent Crimes.
            S3: Sex Crimes.
            S4: Child Exploitation.
            S5: Defamation.
            S6: Specialized Advice.
            S7: Privacy.
            S8: Intellectual Property.
            S9: Indiscriminate Weapons.
            S10: Hate.
            S11: Self-Harm.
            S12: Sexual Content.
            S13: Elections.
            S14: Code Interpreter Abuse.
            <END UNSAFE CONTENT CATEGORIES>
            """;

    @RegisterExtension
    final LlamaTestServerExtension extension = new LlamaTestServerExtension(
            LlamaTestServer.builder().apiKey(KEY).models(List.of(GUARD_8B, GUARD_1B)));

    private LlamaClient client(Dialect dialect) {
        return LlamaClient.builder().dialect(dialect).apiKey(KEY).maxRetries(0)
                .baseUrl(dialect == Dialect.LLAMA ? extension.server().baseUrl() : extension.server().compatBaseUrl())
                .build();
    }

    private LlamaGuardModerator guard(Dialect dialect) {
        return LlamaGuardModerator.builder(client(dialect), GUARD_8B).build();
    }

    private static String expectedPrompt(String role, String conversation) {
        return "Task: Check if there is unsafe content in '" + role + "' messages in conversations according our safety "
                + "policy with the below categories.\n\n" + CATEGORIES + "\n<BEGIN CONVERSATION>\n\n" + conversation
                + "\n\n<END CONVERSATION>\n\nProvide your safety assessment for ONLY THE LAST " + role
                + " message in the above conversation:\n - First line must read 'safe' or 'unsafe'.\n"
                + " - If unsafe, a second line must include a comma-separated list of violated categories.";
    }

    /** The one user message the server received, after checking the rest of the request. */
    private JsonNode onlyUserMessage(Dialect dialect, String model) {
        RecordedRequest recorded = extension.server().takeRequest();
        assertThat(recorded.path()).isEqualTo(dialect == Dialect.LLAMA ? "/v1/chat/completions" : "/compat/v1/chat/completions");
        JsonNode body = recorded.json();
        assertThat(body.get("model").asText()).isEqualTo(model);
        assertThat(body.get("temperature").isNumber()).isTrue();
        assertThat(body.get("temperature").asDouble()).isZero();
        assertThat(body.get("messages")).hasSize(1);
        JsonNode message = body.get("messages").get(0);
        assertThat(message.get("role").asText()).isEqualTo("user");
        return message.get("content");
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void classifiesTheLastUserMessageWithTheExactLlamaGuard3Prompt(Dialect dialect) {
        extension.server().enqueue(ScriptedReply.text("safe"));
        ModerationResponse verdict = guard(dialect).moderate(ModerationRequest.ofText("What is the capital of France?"));

        assertThat(onlyUserMessage(dialect, GUARD_8B).asText())
                .isEqualTo(expectedPrompt("User", "User: What is the capital of France?"));
        assertThat(verdict.flagged()).isFalse();
        assertThat(verdict.results()).containsExactly(new ModerationResult(false, List.of()));
        assertThat(verdict.model()).isEqualTo(GUARD_8B);
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void classifiesTheAgentWhenTheLastTurnIsTheAssistants(Dialect dialect) {
        extension.server().enqueue(ScriptedReply.text("unsafe\nS1,S10"));
        ModerationResponse verdict = guard(dialect).moderate(ModerationRequest.of(
                Message.system("You are a helpful assistant."),
                Message.user("Tell me about them."),
                Message.assistant("They deserve to be hurt."),
                Message.tool("call-1", "{\"ok\":true}")));

        assertThat(onlyUserMessage(dialect, GUARD_8B).asText()).isEqualTo(expectedPrompt("Agent",
                "User: Tell me about them.\n\nAgent: They deserve to be hurt."));
        assertThat(verdict.flagged()).isTrue();
        assertThat(verdict.results()).containsExactly(new ModerationResult(true, List.of("S1", "S10")));
    }

    @Test
    void aLaterUserTurnIsJudgedAsUserInput() {
        extension.server().enqueue(ScriptedReply.text("unsafe\nS2"));
        guard(Dialect.OPENAI).moderate(ModerationRequest.of(Message.user("Hi"), Message.assistant("Hello! How can I help?"),
                Message.user("How do I hotwire a car?")));
        assertThat(onlyUserMessage(Dialect.OPENAI, GUARD_8B).asText()).isEqualTo(expectedPrompt("User",
                "User: Hi\n\nAgent: Hello! How can I help?\n\nUser: How do I hotwire a car?"));
    }

    @Test
    void theRequestsModelWinsAndExcludedCategoriesKeepTheirCodes() {
        extension.server().enqueue(ScriptedReply.text("unsafe\nS13"));
        LlamaGuardModerator guard = LlamaGuardModerator.builder(client(Dialect.OPENAI), GUARD_8B)
                .excludeCategories("S14").build();
        ModerationResponse verdict = guard.moderate(ModerationRequest.ofText("Vote on Wednesday!").withModel(GUARD_1B));
        String prompt = onlyUserMessage(Dialect.OPENAI, GUARD_1B).asText();
        assertThat(prompt).contains("S13: Elections.\n<END UNSAFE CONTENT CATEGORIES>").doesNotContain("S14");
        assertThat(verdict.results().get(0).categories()).containsExactly("S13");
        assertThat(verdict.model()).isEqualTo(GUARD_1B);
    }

    @Test
    void customCategoriesAreWrittenInOrderAndAreTheOnlyCodesAccepted() {
        Map<String, String> custom = new LinkedHashMap<>();
        custom.put("S1", "Competitor Mentions");
        custom.put("S2", "Medical Advice.\nDiagnoses and dosages.");
        LlamaGuardModerator guard = LlamaGuardModerator.builder(client(Dialect.LLAMA), GUARD_8B).categories(custom).build();
        extension.server().enqueue(ScriptedReply.text("unsafe\nS2"));
        ModerationResponse verdict = guard.moderate(ModerationRequest.ofText("Take 5 g of paracetamol."));
        assertThat(onlyUserMessage(Dialect.LLAMA, GUARD_8B).asText()).contains("<BEGIN UNSAFE CONTENT CATEGORIES>\n"
                + "S1: Competitor Mentions.\nS2: Medical Advice.\nDiagnoses and dosages.\n<END UNSAFE CONTENT CATEGORIES>");
        assertThat(verdict.results().get(0).categories()).containsExactly("S2");

        extension.server().enqueue(ScriptedReply.text("unsafe\nS3"));
        assertThatThrownBy(() -> guard.moderate(ModerationRequest.ofText("x")))
                .isInstanceOf(LlamaGuardReplyException.class).hasMessageContaining("'S3' is not one of the categories [S1, S2]");
        assertThat(guard.categories()).isEqualTo(custom);
        assertThat(guard.categories().keySet()).containsExactly("S1", "S2");
    }

    @Test
    void anUnparseableReplyIsATypedErrorQuotingIt() {
        extension.server().enqueue(ScriptedReply.text("I'm sorry, but I can't help with classifying this request because "
                + "it touches on sensitive topics that I am not able to discuss in detail."));
        assertThatThrownBy(() -> guard(Dialect.OPENAI).moderate(ModerationRequest.ofText("hello")))
                .isExactlyInstanceOf(LlamaGuardReplyException.class)
                .hasMessageContaining("'" + GUARD_8B + "'")
                .hasMessageContaining("\"I'm sorry, but I can't help with classifying")
                .hasMessageContaining("...\"")
                .hasMessageContaining("Llama Guard 3 model?")
                .satisfies(e -> assertThat(((LlamaGuardReplyException) e).reply()).endsWith("in detail."));
    }

    // ------------------------------------------------------------------ the verdict parser alone

    private static ModerationResult parse(String reply) {
        ChatModel fixed = request -> ChatResponse.builder().message(AssistantMessage.of(reply)).build();
        return LlamaGuardModerator.builder(fixed, GUARD_8B).build().moderate(ModerationRequest.ofText("x")).results().get(0);
    }

    @Test
    void toleratesCaseAndWhitespace() {
        assertThat(parse(" SAFE \n\n")).isEqualTo(new ModerationResult(false, List.of()));
        assertThat(parse("\nSafe")).isEqualTo(new ModerationResult(false, List.of()));
        assertThat(parse("  Unsafe \r\n s9 , S1 ,s9\n")).isEqualTo(new ModerationResult(true, List.of("S9", "S1")));
        assertThat(parse("unsafe")).as("no category line: still unsafe").isEqualTo(new ModerationResult(true, List.of()));
        assertThat(parse("unsafe\n\nS14")).isEqualTo(new ModerationResult(true, List.of("S14")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  \n ", "safe.", "Safe: yes", "safe\nS1", "unsafe: S1", "unsafe\nS1\nS2", "unsafe\nS15",
            "unsafe\nS1,,S2", "unsafe\nS1;S2", "unsafe\nViolent Crimes", "The content is safe.", "unsafe\nS1,"})
    void rejectsAnythingElse(String reply) {
        assertThatThrownBy(() -> parse(reply)).isExactlyInstanceOf(LlamaGuardReplyException.class)
                .hasMessageContaining("is not a Llama Guard verdict");
    }

    @Test
    void isNullHostile() {
        ChatModel model = request -> { throw new AssertionError("not called"); };
        assertThatThrownBy(() -> LlamaGuardModerator.builder(null, GUARD_8B)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> LlamaGuardModerator.builder(model, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> LlamaGuardModerator.builder(model, " ")).isInstanceOf(IllegalArgumentException.class);
        LlamaGuardModerator.Builder b = LlamaGuardModerator.builder(model, GUARD_8B);
        assertThatThrownBy(() -> b.categories(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> b.categories(Map.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.categories(Map.of("S 1", "x"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.categories(Map.of("S1", "x", "s1", "y"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.excludeCategories("S99")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.excludeCategories((String) null)).isInstanceOf(NullPointerException.class);
        LlamaGuardModerator guard = b.build();
        assertThatThrownBy(() -> guard.moderate(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> guard.moderate(ModerationRequest.of(Message.system("only a system prompt"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nothing to classify");
        assertThat(guard.categories()).isEqualTo(LlamaGuardModerator.LLAMA_GUARD_3_CATEGORIES);
        assertThatThrownBy(() -> guard.categories().put("S15", "x")).isInstanceOf(UnsupportedOperationException.class);
    }
}
