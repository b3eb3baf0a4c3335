package dev.llamakit.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.llamakit.client.error.BadRequestException;
import dev.llamakit.client.error.InternalServerException;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The context-length rejections of real servers, in their exact wordings (message and error body). */
class ContextOverflowTest {

    static ContextOverflow parse(String message, String body) {
        return ContextOverflow.parse(message, body).orElseThrow();
    }

    @Test
    void vllmMessagesOnly() {
        // vllm/entrypoints/openai/serving_engine.py (_validate_input, no max_tokens), as a 400 BadRequestError
        String body = "{\"object\":\"error\",\"message\":\"This model's maximum context length is 32768 tokens. However, you "
                + "requested 32818 tokens in the messages, Please reduce the length of the messages. None\","
                + "\"type\":\"BadRequestError\",\"param\":null,\"code\":400}";
        assertThat(parse("This model's maximum context length is 32768 tokens. However, you requested 32818 tokens in the "
                + "messages, Please reduce the length of the messages. None", body))
                .isEqualTo(new ContextOverflow(32768, 32818, OptionalLong.empty()));
    }

    @Test
    void vllmAndOpenAiMessagesAndCompletion() {
        assertThat(parse("This model's maximum context length is 8192 tokens. However, you requested 9064 tokens (9000 in "
                + "the messages, 64 in the completion). Please reduce the length of the messages or completion.", ""))
                .isEqualTo(new ContextOverflow(8192, 9000, OptionalLong.of(64)));
    }

    @Test
    void vllmNewerWordings() {
        assertThat(parse("This model's maximum context length is 1536 tokens. However, your request has 4176 input tokens. "
                + "Please reduce the length of the input messages.", ""))
                .isEqualTo(new ContextOverflow(1536, 4176, OptionalLong.empty()));
        assertThat(parse("'max_tokens' or 'max_completion_tokens' is too large: 8000. This model's maximum context length is "
                + "4096 tokens and your request has 2778 input tokens (8000 > 4096 - 2778). None", ""))
                .isEqualTo(new ContextOverflow(4096, 2778, OptionalLong.of(8000)));
        assertThat(parse("Input length (196905) exceeds model's maximum context length (196608).", ""))
                .isEqualTo(new ContextOverflow(196608, 196905, OptionalLong.empty()));
    }

    @Test
    void openAiMessagesAndFunctions() {
        String body = "{\"error\":{\"message\":\"This model's maximum context length is 16385 tokens. However, your messages "
                + "resulted in 16990 tokens (16877 in the messages, 113 in the functions). Please reduce the length of the "
                + "messages or functions.\",\"type\":\"invalid_request_error\",\"param\":\"messages\",\"code\":\"context_length_exceeded\"}}";
        assertThat(parse("This model's maximum context length is 16385 tokens. However, your messages resulted in 16990 tokens "
                + "(16877 in the messages, 113 in the functions). Please reduce the length of the messages or functions.", body))
                .isEqualTo(new ContextOverflow(16385, 16990, OptionalLong.empty()));
        assertThat(parse("This model's maximum context length is 4097 tokens. However, your messages resulted in 4162 tokens. "
                + "Please reduce the length of the messages.", ""))
                .isEqualTo(new ContextOverflow(4097, 4162, OptionalLong.empty()));
    }

    @Test
    void llamaCppMessageAndBodyFields() {
        String body = "{\"error\":{\"code\":400,\"message\":\"request (4476 tokens) exceeds the available context size (4096 tokens), "
                + "try increasing it\",\"type\":\"exceed_context_size_error\",\"n_prompt_tokens\":4476,\"n_ctx\":4096}}";
        assertThat(parse("request (4476 tokens) exceeds the available context size (4096 tokens), try increasing it", body))
                .isEqualTo(new ContextOverflow(4096, 4476, OptionalLong.empty()));
        // older builds: no numbers in the message, only in the body
        String older = "{\"error\":{\"code\":400,\"message\":\"the request exceeds the available context size, try increasing it\","
                + "\"type\":\"exceed_context_size_error\",\"n_prompt_tokens\":9000,\"n_ctx\":8192}}";
        assertThat(parse("the request exceeds the available context size, try increasing it", older))
                .isEqualTo(new ContextOverflow(8192, 9000, OptionalLong.empty()));
        assertThat(parse("input (5000 tokens) is larger than the max context size (4096 tokens). skipping", ""))
                .isEqualTo(new ContextOverflow(4096, 5000, OptionalLong.empty()));
    }

    @Test
    void otherErrorsAreNotOverflows() {
        assertThat(ContextOverflow.parse("Invalid 'messages' type: expected array", "{}")).isEmpty();
        assertThat(ContextOverflow.parse("Your input exceeds the context window of this model. Please adjust your input and "
                + "try again.", "")).as("no numbers to learn from").isEmpty();
        assertThat(ContextOverflow.of(new BadRequestException(400, null, "request (4476 tokens) exceeds the available context "
                + "size (4096 tokens), try increasing it", ""))).isPresent();
        assertThat(ContextOverflow.of(new InternalServerException(500, null, "request (4476 tokens) exceeds the available "
                + "context size (4096 tokens)", ""))).as("only a rejection of the request").isEmpty();
        assertThat(ContextOverflow.of(new IllegalStateException("x"))).isEmpty();
    }
}
