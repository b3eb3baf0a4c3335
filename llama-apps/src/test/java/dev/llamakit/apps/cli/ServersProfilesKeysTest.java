package dev.llamakit.apps.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llamakit.client.Dialect;
import dev.llamakit.testkit.LlamaTestServer;
import dev.llamakit.testkit.RecordedRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Servers without ceremony: the dialect chosen from the base URL, profiles in config.toml, keys from the keys file,
 * a variable or a file (sent only to their origin), the server's only model as the default, the 401 without a key.
 * The configuration lives in a temporary XDG_CONFIG_HOME given through the context's environment map.
 */
class ServersProfilesKeysTest {
    static final String KEY = "sk-test-PROFILE-KEY-9731";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    LlamaTestServer server;
    Path xdg;
    Path question;

    @BeforeEach
    void start() throws IOException {
        server = LlamaTestServer.builder().apiKey(KEY).models(List.of("llama3.2")).start();
        xdg = tmp.resolve("xdg");
        question = Files.writeString(tmp.resolve("context.txt"), "Phobos is a moon of Mars.");
    }

    @AfterEach
    void stop() {
        server.close();
    }


    CliRun run(Map<String, String> env, String stdin, String... args) {
        Map<String, String> all = new HashMap<>(env);
        all.putIfAbsent("XDG_CONFIG_HOME", xdg.toString());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CliContext ctx = CliContext.of(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintWriter(out, true), new PrintWriter(err, true), all, tmp.resolve("home"));
        int code = LlamaCli.run(ctx, args);
        return new CliRun(code, out.toString(), err.toString());
    }

    CliRun run(String... args) {
        return run(Map.of(), "", args);
    }

    CliRun env(Map<String, String> env, String... args) {
        return run(env, "", args);
    }

    RecordedRequest last() {
        List<RecordedRequest> all = server.requests();
        return all.get(all.size() - 1);
    }

    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    // ---- dialect

    @Test
    void theDialectFollowsTheBaseUrl() {
        assertThat(ServerChoice.inferDialect(null)).isEqualTo(Dialect.LLAMA);
        assertThat(ServerChoice.inferDialect("https://api.llama.com/v1")).isEqualTo(Dialect.LLAMA);
        assertThat(ServerChoice.inferDialect("https://API.llama.com/v1/")).isEqualTo(Dialect.LLAMA);
        assertThat(ServerChoice.inferDialect("https://api.llama.com/compat/v1")).isEqualTo(Dialect.OPENAI);
        for (String other : List.of("http://localhost:11434/v1", "http://localhost:8000/v1", "http://127.0.0.1:8080/v1",
                "http://localhost:1234/v1", "http://localhost:8321/v1/openai/v1", "https://api.together.xyz/v1")) {
            assertThat(ServerChoice.inferDialect(other)).as(other).isEqualTo(Dialect.OPENAI);
        }
    }

    @Test
    void anOpenAiCompatibleServerNeedsOnlyItsUrl() {
        CliRun r = run("ask", "-v", "--base-url", server.compatBaseUrl(), "--api-key", KEY, "--context", question.toString(),
                "Which moon?").ok();
        assertThat(r.out()).contains("Echo:");
        assertThat(last().path()).isEqualTo("/compat/v1/chat/completions");
        assertThat(r.err()).contains("dialect openai (127.0.0.1 is not api.llama.com, the Llama API's host)")
                .contains("model llama3.2 (the only model " + server.compatBaseUrl() + " serves)")
                .doesNotContain(KEY);
    }

    @Test
    void theDialectCanBeSetByFlagVariableOrProfile() {
        String native_ = server.baseUrl();
        assertThat(run("models", "-v", "--base-url", native_, "--api-key", KEY).ok().err()).contains("dialect openai (127.0.0.1 is not api.llama.com");
        assertThat(run("models", "-v", "--base-url", native_, "--api-key", KEY, "--dialect", "llama").ok().err())
                .contains("dialect llama (set by --dialect)");
        assertThat(env(Map.of("LLAMA_DIALECT", "llama"), "models", "-v", "--base-url", native_, "--api-key", KEY).ok().err())
                .contains("dialect llama (set by LLAMA_DIALECT)");
        run("config", "set", "base-url", native_).ok();
        run("config", "set", "dialect", "llama").ok();
        assertThat(run("models", "-v", "--api-key", KEY).ok().err()).contains("dialect llama (set by profile default)");
        // the flag beats the variable, the variable beats the profile
        env(Map.of("LLAMA_DIALECT", "llama"), "models", "--base-url", server.compatBaseUrl(), "--api-key", KEY,
                "--dialect", "openai").ok();
        run("config", "set", "dialect", "openai").ok();
        assertThat(env(Map.of("LLAMA_DIALECT", "llama"), "models", "-v", "--api-key", KEY).ok().err())
                .contains("dialect llama (set by LLAMA_DIALECT)");
        assertThat(env(Map.of("LLAMA_DIALECT", "klingon"), "models", "--base-url", native_).oneLineError(2).err())
                .contains("unknown dialect 'klingon' (LLAMA_DIALECT)");
    }

    // ---- profiles and precedence

    @Test
    void profilesComeFromTheFlagTheVariableOrTheDefault() {
        run("config", "set", "base-url", server.compatBaseUrl(), "--profile", "local").ok();
        run("config", "set", "key", "env:LOCAL_KEY", "--profile", "local").ok();
        Map<String, String> env = Map.of("LOCAL_KEY", KEY);
        assertThat(env(env, "models", "--profile", "local").ok().out()).contains("llama3.2");
        assertThat(env(Map.of("LOCAL_KEY", KEY, "LLAMA_PROFILE", "local"), "models").ok().out()).contains("llama3.2");
        assertThat(run("models").oneLineError(2).err()).contains("needs a server"); // the implicit default profile is empty
        run("config", "set", "default-profile", "local").ok();
        assertThat(env(env, "models", "-v").ok().err()).contains("profile local").contains("key from env:LOCAL_KEY (profile local)");
        assertThat(run("models", "--profile", "lokal").oneLineError(2).err())
                .contains("no profile 'lokal'").contains("did you mean 'local'?");
    }

    @Test
    void flagsBeatTheEnvironmentWhichBeatsTheProfileWhichBeatsTheDefault() throws IOException {
        String closed = "http://127.0.0.1:" + closedPort() + "/v1";
        try (LlamaTestServer two = LlamaTestServer.builder().requireApiKey(false).models(List.of("a", "b")).start()) {
            run("config", "set", "base-url", two.compatBaseUrl()).ok();
            run("config", "set", "model", "a").ok();
            // profile: its server and model
            run("ask", "--context", question.toString(), "q").ok();
            assertThat(two.requests().get(two.requestCount() - 1).json().get("model").asText()).isEqualTo("a");
            // environment over profile
            env(Map.of("LLAMA_MODEL", "b"), "ask", "--context", question.toString(), "q").ok();
            assertThat(two.requests().get(two.requestCount() - 1).json().get("model").asText()).isEqualTo("b");
            env(Map.of("LLAMA_BASE_URL", closed), "models").oneLineError(3);
            // flag over environment
            env(Map.of("LLAMA_MODEL", "b"), "ask", "--model", "a", "--context", question.toString(), "q").ok();
            assertThat(two.requests().get(two.requestCount() - 1).json().get("model").asText()).isEqualTo("a");
            env(Map.of("LLAMA_BASE_URL", closed), "models", "--base-url", two.compatBaseUrl()).ok();
            // a profile named with --profile ranks with the flags: it beats the environment
            run("config", "set", "base-url", two.compatBaseUrl(), "--profile", "two").ok();
            env(Map.of("LLAMA_BASE_URL", closed), "models", "--profile", "two").ok();
            // defaults: none configured and several served is an error listing them
            run("config", "unset", "model").ok();
            assertThat(run("ask", "--context", question.toString(), "q").oneLineError(2).err())
                    .contains("no model chosen").contains("serves 2: a, b").contains("--model NAME");
        }
    }

    @Test
    void theServersOnlyModelIsTheDefaultAndTheLlamaApiKeepsItsOwn() {
        CliRun r = run("summarize", "-v", "--base-url", server.compatBaseUrl(), "--api-key", KEY, question.toString()).ok();
        assertThat(r.err()).contains("model llama3.2 (the only model");
        assertThat(last().json().get("model").asText()).isEqualTo("llama3.2");
        try (LlamaTestServer nativeServer = LlamaTestServer.builder().apiKey(KEY).start()) {
            CliRun n = run("ask", "-v", "--base-url", nativeServer.baseUrl(), "--dialect", "llama", "--api-key", KEY,
                    "--context", question.toString(), "q").ok();
            assertThat(n.err()).contains("model " + CommonOptions.DEFAULT_MODEL + " (the default at the Llama API)");
            assertThat(nativeServer.requests()).extracting(RecordedRequest::path).doesNotContain("/v1/models");
        }
    }

    // ---- keys

    @Test
    void keysSetReadsAPipedLineAndAProfileUsesTheKeyNamedLikeIt() throws IOException {
        run("config", "set", "base-url", server.compatBaseUrl(), "--profile", "local").ok();
        assertThat(run(Map.of(), KEY + "\n", "keys", "set", "--profile", "local").ok().err())
                .contains("stored 'local'").doesNotContain(KEY);
        run("models", "--profile", "local").ok();
        assertThat(last().header("Authorization")).isEqualTo("Bearer " + KEY);
        assertThat(run("keys", "list").ok().out().strip()).isEqualTo("local");
        Path keysFile = Path.of(run("keys", "path").ok().out().strip());
        assertThat(keysFile).isEqualTo(xdg.resolve("llamakit").resolve("keys.toml"));
        assertThat(Files.readString(keysFile)).contains("local = \"" + KEY + "\"");
    }

    @Test
    void aProfilesKeyCanComeFromTheKeysFileAVariableOrAFile() throws IOException {
        run("config", "set", "base-url", server.compatBaseUrl(), "--profile", "p").ok();
        // keys:NAME
        run("config", "set", "key", "keys:shared", "--profile", "p").ok();
        assertThat(run("models", "--profile", "p").oneLineError(2).err()).contains("no key named 'shared'").contains("llama keys set shared");
        run(Map.of(), KEY + "\n", "keys", "set", "shared").ok();
        run("models", "--profile", "p").ok();
        assertThat(last().header("Authorization")).isEqualTo("Bearer " + KEY);
        // env:VAR
        run("config", "set", "key", "env:P_KEY", "--profile", "p").ok();
        assertThat(run("models", "--profile", "p").oneLineError(2).err()).contains("P_KEY is not set");
        env(Map.of("P_KEY", KEY), "models", "--profile", "p").ok();
        assertThat(last().header("Authorization")).isEqualTo("Bearer " + KEY);
        // file:PATH, relative to the configuration folder, and absolute
        Files.writeString(xdg.resolve("llamakit").resolve("p.key"), KEY + "\n");
        run("config", "set", "key", "file:p.key", "--profile", "p").ok();
        run("models", "--profile", "p").ok();
        assertThat(last().header("Authorization")).isEqualTo("Bearer " + KEY);
        Path elsewhere = Files.writeString(tmp.resolve("elsewhere.key"), KEY);
        run("config", "set", "key", "file:" + elsewhere, "--profile", "p").ok();
        run("models", "--profile", "p").ok();
        assertThat(last().header("Authorization")).isEqualTo("Bearer " + KEY);
        run("config", "set", "key", "file:missing.key", "--profile", "p").ok();
        assertThat(run("models", "--profile", "p").oneLineError(2).err()).contains("cannot read the key file").contains("missing.key");
    }

    @Test
    void aProfilesKeyGoesOnlyToTheProfilesOrigin() throws IOException {
        try (LlamaTestServer other = LlamaTestServer.builder().requireApiKey(false).models(List.of("m")).start()) {
            // a profile without a base URL is the Llama API's: its stored key stays there
            run(Map.of(), KEY + "\n", "keys", "set").ok();
            CliRun r = run("models", "-v", "--base-url", other.compatBaseUrl()).ok();
            assertThat(other.requests().get(0).header("Authorization")).isNull();
            assertThat(r.err()).contains("key none, profile default (not applied: its server is https://api.llama.com:443, "
                    + "its key (keys:default) stays there)").doesNotContain(KEY);
            // a profile for one server does not lend its key to another
            run("config", "set", "base-url", server.compatBaseUrl(), "--profile", "p").ok();
            run("config", "set", "key", "keys:default", "--profile", "p").ok();
            run("config", "set", "model", "llama3.2", "--profile", "p").ok();
            run("ask", "--profile", "p", "--base-url", other.compatBaseUrl(), "--context", question.toString(), "q").ok();
            assertThat(other.requests().get(1).header("Authorization")).isNull(); // GET models: its only model, not p's
            assertThat(other.requests().get(2).header("Authorization")).isNull();
            assertThat(other.requests().get(2).json().get("model").asText()).isEqualTo("m");
            run("models", "--profile", "p").ok();
            assertThat(last().header("Authorization")).isEqualTo("Bearer " + KEY);
            // the Llama API's variable never goes to another server
            env(Map.of("LLAMA_API_KEY", KEY), "models", "--base-url", other.compatBaseUrl()).ok();
            assertThat(other.requests().get(3).header("Authorization")).isNull();
        }
    }

    @Test
    void a401WithoutAKeySaysSoAndHowToSetOne() {
        CliRun r = run("models", "--base-url", server.compatBaseUrl()).oneLineError(3);
        assertThat(r.err()).contains("answered 401").contains("no API key was sent").contains("OPENAI_API_KEY")
                .contains("llama config set base-url " + server.compatBaseUrl() + " --profile NAME").contains("llama keys set NAME");
        run("config", "set", "base-url", server.compatBaseUrl(), "--profile", "p").ok();
        assertThat(run("models", "--profile", "p").oneLineError(3).err()).contains("no API key was sent")
                .contains("llama keys set p");
        CliRun wrong = env(Map.of("OPENAI_API_KEY", "sk-wrong-0000"), "models", "--profile", "p").oneLineError(3);
        assertThat(wrong.err()).contains("refused the API key from OPENAI_API_KEY (401)").doesNotContain("sk-wrong-0000");
    }

    // ---- the key is never shown

    @Test
    void theKeyNeverAppearsInListsJsonOrLogs() {
        run(Map.of(), KEY + "\n", "keys", "set", "local").ok();
        run("config", "set", "base-url", server.compatBaseUrl(), "--profile", "local").ok();
        run("config", "set", "key", "keys:local", "--profile", "local").ok();
        run("config", "set", "default-profile", "local").ok();
        StringBuilder seen = new StringBuilder();
        for (String[] args : List.of(new String[] {"config", "list"}, new String[] {"config", "list", "--json"},
                new String[] {"config", "get", "key"}, new String[] {"keys", "list"}, new String[] {"keys", "list", "--json"},
                new String[] {"models", "-v", "--json"},
                new String[] {"ask", "-v", "--json", "--context", question.toString(), "q"},
                new String[] {"summarize", "-v", "--json", question.toString()})) {
            seen.append(run(args).ok().all());
        }
        assertThat(seen).contains("keys:local").contains("local").doesNotContain(KEY);
        JsonNode list = run("config", "list", "--json").ok().json();
        assertThat(list.get("profiles").get("local").get("key").asText()).isEqualTo("keys:local");
        assertThat(list.get("profile").asText()).isEqualTo("local");
        // a key pasted where its source belongs is refused without being echoed
        assertThat(run("config", "set", "key", KEY).oneLineError(2).err()).contains("keys:NAME, env:VAR or file:PATH").doesNotContain(KEY);
    }

    @Test
    void keysThatCannotBeSentAreRefusedWithoutEchoingThem() {
        CliRun r = run(Map.of(), "sk-abc\u200Bdef\n", "keys", "set", "x").oneLineError(2);
        assertThat(r.err()).contains("U+200B ZERO WIDTH SPACE at position 7").doesNotContain("sk-abc");
        assertThat(run(Map.of(), "", "keys", "set", "x").oneLineError(2).err()).contains("no key given");
        assertThat(run("keys", "list").ok().out()).isEmpty();
    }

    // ---- the files

    @Test
    void filesAreWrittenPrivatelyAndAtomically() throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        run("config", "set", "model", "m").ok();
        run(Map.of(), KEY + "\n", "keys", "set").ok();
        Path dir = xdg.resolve("llamakit");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("config.toml")))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("keys.toml")))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        // a file made readable by others is tightened on the next write; no temporary file is left behind
        Files.setPosixFilePermissions(dir.resolve("config.toml"), PosixFilePermissions.fromString("rw-r--r--"));
        run("config", "set", "model", "n").ok();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("config.toml")))).isEqualTo("rw-------");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("config.toml", "keys.toml");
        }
        assertThat(run("config", "path").ok().out().strip()).isEqualTo(dir.resolve("config.toml").toString());
    }

    @Test
    void withoutXdgConfigHomeTheFolderIsDotConfigInTheHome() {
        Path home = tmp.resolve("home");
        assertThat(run(Map.of("XDG_CONFIG_HOME", ""), "", "config", "path").ok().out().strip())
                .isEqualTo(home.resolve(".config/llamakit/config.toml").toString());
    }

    @Test
    void aMalformedFileOrAnUnknownKeyIsReportedWithPathLineAndSuggestion() throws IOException {
        Path file = xdg.resolve("llamakit").resolve("config.toml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "# mine\n\n[profiles.local]\nbase_url = \"http://localhost:11434/v1\"\n");
        assertThat(run("models").oneLineError(2).err()).contains(file + ":4: unknown setting 'base_url' (did you mean 'base-url'?)");
        Files.writeString(file, "[profiles.local]\nmodel = \"llama3.2\n");
        assertThat(run("config", "list").oneLineError(2).err()).contains(file + ":2: the string is not closed");
        Files.writeString(file, "[profiles.local]\nmodel = llama3.2\n");
        assertThat(run("config", "list").oneLineError(2).err()).contains(file + ":2: expected a value in quotes");
        Files.writeString(file, "[profile.local]\n");
        assertThat(run("config", "list").oneLineError(2).err()).contains(file + ":1: unknown table [profile.local]");
        Files.delete(file);
        assertThat(run("config", "set", "modle", "x").oneLineError(2).err()).contains("unknown setting 'modle' (did you mean 'model'?)");
        assertThat(run("config", "set", "dialect", "grpc").oneLineError(2).err()).contains("dialect must be llama or openai");
        assertThat(run("config", "get", "model").oneLineError(2).err()).contains("model is not set in profile default");
    }

    @Test
    void theConfigurationRoundTrips() throws IOException {
        run("config", "set", "base-url", "http://localhost:11434/v1", "--profile", "ollama").ok();
        run("config", "set", "model", "llama \"3.2\" \\ q", "--profile", "ollama").ok();
        run("config", "set", "default-profile", "ollama").ok();
        assertThat(run("config", "get", "model").ok().out().strip()).isEqualTo("llama \"3.2\" \\ q");
        assertThat(run("config", "get", "base-url").ok().out().strip()).isEqualTo("http://localhost:11434/v1");
        CliRun list = run("config", "list").ok();
        assertThat(list.out()).contains("profile in use: ollama (default-profile)").contains("[profiles.ollama]  # in use");
        String text = Files.readString(xdg.resolve("llamakit/config.toml"));
        assertThat(text).contains("default-profile = \"ollama\"").contains("[profiles.ollama]")
                .contains("base-url = \"http://localhost:11434/v1\"");
    }
}
