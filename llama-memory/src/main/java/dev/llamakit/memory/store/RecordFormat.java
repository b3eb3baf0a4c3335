package dev.llamakit.memory.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.llamakit.chat.AssistantMessage;
import dev.llamakit.chat.ContentPart;
import dev.llamakit.chat.ImagePart;
import dev.llamakit.chat.Message;
import dev.llamakit.chat.StopReason;
import dev.llamakit.chat.SystemMessage;
import dev.llamakit.chat.TextPart;
import dev.llamakit.chat.ToolCall;
import dev.llamakit.chat.ToolMessage;
import dev.llamakit.chat.Usage;
import dev.llamakit.chat.UserMessage;
import dev.llamakit.memory.EntryFlag;
import dev.llamakit.memory.TranscriptEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * The line format of a conversation file (version {@value #VERSION}), with a private {@link ObjectMapper}.
 *
 * <p>Every line is one JSON object ending in a CRC-32C checksum of the bytes before it:
 * <pre>
 * {"v":1,"type":"conversation","id":"support/42","created":"2026-03-01T10:15:29.871Z","crc":"5e8b89fc"}
 * {"v":1,"type":"entries","first":0,"entries":[{"seq":0,...},{"seq":1,...}],"crc":"..."}
 * {"v":1,"type":"state","key":"summary","value":"The user asked about order 1234.","crc":"0d367b76"}
 * </pre>
 * The checksum covers the line's bytes up to (not including) {@code ,"crc":"}, followed by a closing brace: the
 * object as it was before the checksum was added. A line is valid only when it ends with a newline, its checksum
 * matches, and it parses. A line whose checksum matches but that does not parse is not a torn write: it is
 * corruption ({@link UnreadableRecordException}). Internal to the store.
 */
final class RecordFormat {
    static final int VERSION = 1;
    static final String HEADER = "conversation";
    static final String ENTRIES = "entries";
    static final String STATE = "state";

    private static final byte[] CRC_PREFIX = ",\"crc\":\"".getBytes(StandardCharsets.US_ASCII);
    /** {@code ,"crc":"} + 8 hex digits + {@code "}} */
    private static final int CRC_SUFFIX_LENGTH = CRC_PREFIX.length + 8 + 2;
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    /**
     * Jackson's default read limits (a 20,000,000-character string, ...) guard against hostile input; these are
     * our own checksummed records, and a message holding a large image or tool result must stay readable.
     */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength(Integer.MAX_VALUE)
                    .maxNameLength(Integer.MAX_VALUE)
                    .maxNumberLength(Integer.MAX_VALUE)
                    .maxDocumentLength(-1)
                    .build())
            .build();

    private static final ObjectMapper MAPPER = JsonMapper.builder(FACTORY)
            // additive fields of a later 1.x writer are ignored; an unknown record type or version is an error
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // emoji and other supplementary characters as UTF-8, not as escaped surrogate pairs; a lone surrogate
            // (not valid Unicode, but a legal Java string) is still written as an escape, so it round-trips
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .build();

    private RecordFormat() {
    }

    /** A line whose checksum matches but that is not a record this version can read: corruption, never torn. */
    static final class UnreadableRecordException extends IllegalArgumentException {
        UnreadableRecordException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** One line of a conversation file; which fields are set depends on {@code type}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"v", "type", "id", "created", "first", "entries", "key", "value"})
    record Line(Integer v, String type, String id, String created, Long first, List<EntryJson> entries, String key,
                String value) {

        static Line header(String conversationId, Instant created) {
            return new Line(VERSION, HEADER, conversationId, created.toString(), null, null, null, null);
        }

        static Line entries(List<TranscriptEntry> entries) {
            List<EntryJson> json = new ArrayList<>(entries.size());
            entries.forEach(e -> json.add(EntryJson.of(e)));
            return new Line(VERSION, ENTRIES, null, null, entries.get(0).seq(), json, null, null);
        }

        static Line state(String key, String value) {
            return new Line(VERSION, STATE, null, null, null, null, key, value);
        }
    }

    /** One transcript entry. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"seq", "at", "role", "text", "parts", "tool_calls", "tool_call_id", "stop_reason", "flags", "usage"})
    record EntryJson(Long seq, String at, String role, String text, List<PartJson> parts,
                     @JsonProperty("tool_calls") List<CallJson> toolCalls,
                     @JsonProperty("tool_call_id") String toolCallId,
                     @JsonProperty("stop_reason") String stopReason,
                     List<String> flags, UsageJson usage) {

        static EntryJson of(TranscriptEntry e) {
            List<String> flags = null;
            if (!e.flags().isEmpty()) {
                flags = new ArrayList<>();
                for (EntryFlag f : EnumSet.copyOf(e.flags())) {
                    flags.add(f.name());
                }
            }
            UsageJson usage = e.usage() == null ? null
                    : new UsageJson(e.usage().promptTokens(), e.usage().completionTokens(), e.usage().totalTokens());
            long seq = e.seq();
            String at = e.at().toString();
            Message m = e.message();
            if (m instanceof SystemMessage s) {
                return new EntryJson(seq, at, "system", s.text(), null, null, null, null, flags, usage);
            }
            if (m instanceof UserMessage u) {
                if (u.parts().size() == 1 && u.parts().get(0) instanceof TextPart t) {
                    return new EntryJson(seq, at, "user", t.text(), null, null, null, null, flags, usage);
                }
                List<PartJson> parts = new ArrayList<>(u.parts().size());
                for (ContentPart p : u.parts()) {
                    parts.add(p instanceof TextPart t ? new PartJson("text", t.text(), null)
                            : new PartJson("image_url", null, ((ImagePart) p).url()));
                }
                return new EntryJson(seq, at, "user", null, parts, null, null, null, flags, usage);
            }
            if (m instanceof AssistantMessage a) {
                List<CallJson> calls = null;
                if (a.hasToolCalls()) {
                    calls = new ArrayList<>(a.toolCalls().size());
                    for (ToolCall c : a.toolCalls()) {
                        calls.add(new CallJson(c.id(), c.name(), c.arguments()));
                    }
                }
                String stop = a.stopReason() == null ? null : a.stopReason().wireName();
                return new EntryJson(seq, at, "assistant", a.text(), null, calls, null, stop, flags, usage);
            }
            ToolMessage t = (ToolMessage) m;
            return new EntryJson(seq, at, "tool", t.text(), null, null, t.toolCallId(), null, flags, usage);
        }

        /** The entry, or an {@link IllegalArgumentException} saying what is wrong. */
        TranscriptEntry toEntry() {
            if (seq == null || seq < 0) {
                throw new IllegalArgumentException("an entry has no valid seq");
            }
            Instant instant;
            try {
                instant = Instant.parse(required(at, "at"));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("entry " + seq + " has a bad timestamp '" + at + "'");
            }
            Message message = switch (required(role, "role")) {
                case "system" -> new SystemMessage(required(text, "text"));
                case "user" -> user();
                case "assistant" -> new AssistantMessage(required(text, "text"), calls(), parsedStopReason());
                case "tool" -> new ToolMessage(required(toolCallId, "tool_call_id"), required(text, "text"));
                default -> throw new IllegalArgumentException("entry " + seq + " has an unknown role '" + role + "'");
            };
            Set<EntryFlag> flagSet = EnumSet.noneOf(EntryFlag.class);
            if (flags != null) {
                for (String f : flags) {
                    try {
                        flagSet.add(EntryFlag.valueOf(f));
                    } catch (IllegalArgumentException | NullPointerException e) {
                        throw new IllegalArgumentException("entry " + seq + " has an unknown flag '" + f + "'");
                    }
                }
            }
            Usage u = usage == null ? null : usage.toUsage();
            return new TranscriptEntry(seq, message, instant, flagSet, u);
        }

        private UserMessage user() {
            if (parts == null) {
                return UserMessage.of(required(text, "text"));
            }
            List<ContentPart> list = new ArrayList<>(parts.size());
            for (PartJson p : parts) {
                if (p == null) {
                    throw new IllegalArgumentException("entry " + seq + " has a null content part");
                }
                switch (String.valueOf(p.type())) {
                    case "text" -> list.add(new TextPart(required(p.text(), "text")));
                    case "image_url" -> list.add(new ImagePart(required(p.url(), "url")));
                    default -> throw new IllegalArgumentException("entry " + seq + " has an unknown content part type '"
                            + p.type() + "'");
                }
            }
            return new UserMessage(list);
        }

        private List<ToolCall> calls() {
            if (toolCalls == null) {
                return List.of();
            }
            List<ToolCall> list = new ArrayList<>(toolCalls.size());
            for (CallJson c : toolCalls) {
                if (c == null) {
                    throw new IllegalArgumentException("entry " + seq + " has a null tool call");
                }
                list.add(new ToolCall(required(c.id(), "tool call id"), required(c.name(), "tool call name"),
                        required(c.arguments(), "tool call arguments")));
            }
            return list;
        }

        private StopReason parsedStopReason() {
            if (stopReason == null) {
                return null;
            }
            for (StopReason r : StopReason.values()) {
                if (r.wireName().equals(stopReason)) {
                    return r;
                }
            }
            throw new IllegalArgumentException("entry " + seq + " has an unknown stop reason '" + stopReason + "'");
        }

        private String required(String value, String field) {
            if (value == null) {
                throw new IllegalArgumentException("entry " + seq + " has no " + field);
            }
            return value;
        }
    }

    /** A user content part: {@code text} or {@code image_url}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"type", "text", "url"})
    record PartJson(String type, String text, String url) {
    }

    /** A tool call; {@code arguments} is kept verbatim, valid JSON or not. */
    @JsonPropertyOrder({"id", "name", "arguments"})
    record CallJson(String id, String name, String arguments) {
    }

    /** Token usage as the server reported it. */
    @JsonPropertyOrder({"prompt", "completion", "total"})
    record UsageJson(Long prompt, Long completion, Long total) {
        Usage toUsage() {
            if (prompt == null || completion == null || total == null) {
                throw new IllegalArgumentException("usage needs prompt, completion and total");
            }
            return new Usage(prompt, completion, total);
        }
    }

    /** One entry as a JSON object, exactly as it stands inside an {@code entries} record. */
    static String entryToJson(TranscriptEntry entry) {
        try {
            return MAPPER.writeValueAsString(EntryJson.of(entry));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a transcript entry as JSON", e);
        }
    }

    /** The entry of a JSON object written by {@link #entryToJson}. */
    static TranscriptEntry entryFromJson(String json) {
        EntryJson entry;
        try {
            entry = MAPPER.readValue(json, EntryJson.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a transcript entry record ("
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ")", e);
        }
        if (entry == null) {
            throw new IllegalArgumentException("not a transcript entry record (null)");
        }
        return entry.toEntry();
    }

    /** The line's bytes: the record as JSON with its checksum, and a trailing newline. */
    static byte[] encode(Line line) {
        byte[] json;
        try {
            json = MAPPER.writeValueAsBytes(line);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a conversation record as JSON", e);
        }
        return seal(json);
    }

    /** A JSON object's bytes (ending in '}') with its checksum added, as a line. */
    static byte[] seal(byte[] json) {
        // json ends with '}': the checksum covers exactly these bytes
        CRC32C crc = new CRC32C();
        crc.update(json, 0, json.length);
        int body = json.length - 1;
        byte[] out = new byte[body + CRC_SUFFIX_LENGTH + 1];
        System.arraycopy(json, 0, out, 0, body);
        int at = body;
        System.arraycopy(CRC_PREFIX, 0, out, at, CRC_PREFIX.length);
        at += CRC_PREFIX.length;
        long value = crc.getValue();
        for (int shift = 28; shift >= 0; shift -= 4) {
            out[at++] = HEX[(int) (value >>> shift) & 0xf];
        }
        out[at++] = '"';
        out[at++] = '}';
        out[at] = '\n';
        return out;
    }

    /**
     * Reads one line (without its newline).
     *
     * @throws UnreadableRecordException when the checksum matches but the record cannot be read
     * @throws IllegalArgumentException when the checksum is missing or wrong (a torn or damaged line)
     */
    static Line decode(byte[] bytes) {
        int n = bytes.length;
        if (n < CRC_SUFFIX_LENGTH + 1 || bytes[0] != '{' || bytes[n - 1] != '}' || bytes[n - 2] != '"') {
            throw new IllegalArgumentException("not a checksummed JSON record");
        }
        int suffix = n - CRC_SUFFIX_LENGTH;
        for (int i = 0; i < CRC_PREFIX.length; i++) {
            if (bytes[suffix + i] != CRC_PREFIX[i]) {
                throw new IllegalArgumentException("not a checksummed JSON record");
            }
        }
        long expected = 0;
        for (int i = suffix + CRC_PREFIX.length; i < n - 2; i++) {
            int digit = Character.digit(bytes[i], 16);
            if (digit < 0 || bytes[i] >= 'A' && bytes[i] <= 'F') {
                throw new IllegalArgumentException("bad checksum digits");
            }
            expected = expected << 4 | digit;
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, suffix);
        crc.update('}');
        if (crc.getValue() != expected) {
            throw new IllegalArgumentException("checksum mismatch");
        }
        byte[] json = new byte[suffix + 1];
        System.arraycopy(bytes, 0, json, 0, suffix);
        json[suffix] = '}';
        Line line;
        try {
            line = MAPPER.readValue(json, Line.class);
        } catch (IOException | RuntimeException e) {
            throw new UnreadableRecordException("its checksum is valid but it cannot be read ("
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ")", e);
        }
        if (line == null || line.type() == null || line.v() == null) {
            throw new UnreadableRecordException("its checksum is valid but it has no type or version", null);
        }
        return line;
    }
}
