package callbridge.talk;

import callbridge.config.UsageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TalkOptionsTest {
    private static final java.util.function.Consumer<String> NO_WARNINGS = warning -> {
        throw new AssertionError("unexpected warning: " + warning);
    };
    private static final List<String> MINIMAL = List.of("--to", "+34910000001", "--from", "+34910000002",
            "--public-url", "https://example.ngrok.app", "--script", "lines.txt");

    @Test
    void parse_minimal_givesTheDefaults() throws Exception {
        TalkOptions options = TalkOptions.parse(MINIMAL, Map.of(), NO_WARNINGS);
        assertEquals(new TalkOptions("+34910000001", "+34910000002", URI.create("https://example.ngrok.app"), Optional.empty(),
                Optional.empty(), false, new UserSource.Script(Path.of("lines.txt")), false, 12, Duration.ofSeconds(30), Duration.ofSeconds(45),
                Duration.ofSeconds(50),
                1, Optional.empty(), HumanPace.DEFAULT), options);
    }

    @Test
    void parse_everyFlagFromSettings_flagsWin() throws Exception {
        Map<String, String> settings = Map.of("TALK_TO", "+441234567890", "TALK_FROM", "+34910000002",
                "PUBLIC_URL", "https://a.example/", "TALK_SCRIPT", "s.txt", "TALK_MAX_TURNS", "3", "TALK_TURN_TIMEOUT", "9",
                "TALK_TIMEOUT", "70", "TALK_RECORD", "true", "TALK_PARALLEL", "4", "TALK_REPORT", "r.json");
        TalkOptions options = TalkOptions.parse(List.of("--max-turns=5", "--user-first"), settings, NO_WARNINGS);
        assertEquals("+441234567890", options.to());
        assertEquals(URI.create("https://a.example"), options.publicUrl());
        assertEquals(5, options.maxTurns());
        assertEquals(Duration.ofSeconds(9), options.turnTimeout());
        assertEquals(Duration.ofSeconds(70), options.talkTimeout());
        assertTrue(options.record() && options.userFirst());
        assertEquals(4, options.parallel());
        assertEquals(Optional.of(Path.of("r.json")), options.report());
    }

    @Test
    void parse_server_isThePublicUrlUnlessOneIsGiven() throws Exception {
        List<String> args = new ArrayList<>(MINIMAL.subList(0, 4));
        args.addAll(List.of("--script", "x", "--server", "https://bridge.example"));
        TalkOptions options = TalkOptions.parse(args, Map.of(), NO_WARNINGS);
        assertEquals(Optional.of(URI.create("https://bridge.example")), options.server());
        assertEquals(URI.create("https://bridge.example"), options.publicUrl());
    }

    @Test
    void parse_galtea_testWithPositions() throws Exception {
        List<String> args = new ArrayList<>(MINIMAL.subList(0, 6));
        args.addAll(List.of("--galtea-version", "v1", "--galtea-test", "t1", "--galtea-cases", "[6, 7,8]"));
        assertEquals(new UserSource.Galtea("v1", Optional.of("t1"), List.of(6, 7, 8), Optional.empty()),
                TalkOptions.parse(args, Map.of(), NO_WARNINGS).source());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            --to 12345                                   | --to (TALK_TO) must be a phone number in E.164 form
            --from +0123                                 | --from (TALK_FROM) must be a phone number in E.164 form
            --to +1234567890123456                       | --to (TALK_TO) must be a phone number
            --nope                                       | unknown flag '--nope'
            stray                                        | unexpected argument 'stray'
            --max-turns 0                                | --max-turns (TALK_MAX_TURNS) must be a whole number from 1 to 1000
            --turn-timeout x                             | --turn-timeout (TALK_TURN_TIMEOUT) must be a number of seconds from 1 to 600
            --turn-timeout 1e3                           | --turn-timeout (TALK_TURN_TIMEOUT) must be a number of seconds
            --talk-timeout 0.5                           | --talk-timeout (TALK_TIMEOUT) must be a number of seconds from 1 to 86400
            --parallel 101                               | --parallel (TALK_PARALLEL) must be a whole number from 1 to 100
            --record=maybe                               | --record (TALK_RECORD) must be true or false
            --local-agent http://127.0.0.1:7860/t --record | --record (TALK_RECORD) does not go with --local-agent
            --public-url ftp://x                         | --public-url (PUBLIC_URL) must be an http:// or https:// URL
            --persona p.txt                              | exactly one of --script FILE, --persona FILE or --galtea-version ID (got --script, --persona)
            --galtea-version v                           | exactly one of --script FILE, --persona FILE or --galtea-version ID (got --script, --galtea-version)
            --report                                     | --report needs a value
            """)
    void parse_badInput_namesTheFlag(String extra, String expected) {
        List<String> args = new ArrayList<>(MINIMAL);
        args.addAll(Arrays.asList(extra.split(" ")));
        UsageException e = assertThrows(UsageException.class, () -> TalkOptions.parse(args, Map.of(), NO_WARNINGS));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            --galtea-version v                                         | exactly one of --galtea-test ID or --galtea-test-case ID
            --galtea-version v --galtea-test t --galtea-test-case c    | exactly one of --galtea-test ID or --galtea-test-case ID
            --galtea-version v --galtea-test-case c --galtea-cases 1   | --galtea-cases selects test cases of --galtea-test
            --galtea-version v --galtea-test t --galtea-cases 1,1      | must list distinct positions from 0
            --galtea-version v --galtea-test t --galtea-cases -1       | must list distinct positions from 0
            """)
    void parse_badGaltea_saysWhatToGive(String extra, String expected) {
        List<String> args = new ArrayList<>(MINIMAL.subList(0, 6));
        args.addAll(Arrays.asList(extra.split(" ")));
        UsageException e = assertThrows(UsageException.class, () -> TalkOptions.parse(args, Map.of(), NO_WARNINGS));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void parse_withoutAnyAddressForTwilio_asksForPublicUrl() {
        UsageException e = assertThrows(UsageException.class, () -> TalkOptions.parse(
                List.of("--to", "+34910000001", "--from", "+34910000002", "--script", "x"), Map.of(), NO_WARNINGS));
        assertTrue(e.getMessage().startsWith("--public-url (PUBLIC_URL) is required"), e.getMessage());
    }

    @Test
    void config_prototypeFile_givesEveryFlag_flagsOverrideIt(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path config = java.nio.file.Files.writeString(dir.resolve("config.yaml"), """
                remote_url: "https://bridge.example/"
                base_url: "https://public.example"
                from_number: "+34910000002"
                to_number: "+34910000001"
                test_id: "t-1"
                version_id: "v-1"
                tests: "1,2,3"
                asycio_timeout: 120.0
                request_timeout: 130
                talk_timeout: 80
                max_turns: 8
                agent_goes_first: false
                """);
        TalkOptions options = TalkOptions.parse(List.of("--config", config.toString(), "--max-turns", "3"), Map.of(), NO_WARNINGS);
        assertEquals(new TalkOptions("+34910000001", "+34910000002", URI.create("https://bridge.example"),
                Optional.of(URI.create("https://public.example")), Optional.empty(), false,
                new UserSource.Galtea("v-1", Optional.of("t-1"), List.of(1, 2, 3), Optional.empty()), true, 3,
                Duration.ofSeconds(120), Duration.ofSeconds(130), Duration.ofSeconds(80), 1, Optional.empty(), HumanPace.DEFAULT), options);
    }

    @Test
    void config_withoutBaseUrl_meansThePrototypesServerOnLocalhost(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path config = java.nio.file.Files.writeString(dir.resolve("c.yaml"), "remote_url: https://abc.ngrok.app\n");
        TalkOptions options = TalkOptions.parse(List.of("--config", config.toString(), "--to", "+34910000001",
                "--from", "+34910000002", "--script", "s"), Map.of(), NO_WARNINGS);
        assertEquals(Optional.of(URI.create("http://localhost:8001")), options.server());
        assertEquals(URI.create("https://abc.ngrok.app"), options.publicUrl());
    }

    @Test
    void config_unknownKey_isAWarning(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path config = java.nio.file.Files.writeString(dir.resolve("c.yaml"), "to_number: '+34910000001'\nlog_level: debug\n");
        List<String> warnings = new ArrayList<>();
        TalkOptions.parse(List.of("--config", config.toString(), "--from", "+34910000002", "--public-url", "https://x.example",
                "--script", "s"), Map.of(), warnings::add);
        assertEquals(List.of(config + ": unknown key 'log_level' ignored"), warnings);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            'agent_goes_first: maybe'     | agent_goes_first must be true or false
            'tests: [1, x]'               | tests must list test case positions
            'max_turns: [3]'              | max_turns must be a whole number, got [3]
            'max_turns: 3.5'              | max_turns must be a whole number, got 3.5
            'talk_timeout: soon'          | talk_timeout must be a number of seconds, got "soon"
            'to_number: [oops'            | is not valid YAML
            '- a list'                    | must be a mapping of keys to values
            """)
    void config_badValue_namesTheKey(String yaml, String expected, @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path config = java.nio.file.Files.writeString(dir.resolve("c.yaml"), yaml + "\n");
        List<String> args = new ArrayList<>(MINIMAL);
        args.addAll(List.of("--config", config.toString()));
        UsageException e = assertThrows(UsageException.class, () -> TalkOptions.parse(args, Map.of(), NO_WARNINGS));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void pace_flags_readAsRangesAProbabilityAndASeed() throws Exception {
        List<String> args = new ArrayList<>(MINIMAL);
        args.addAll(List.of("--reply-gap", "200-600", "--interrupt-probability", "0.25", "--interrupt-after", "700", "--seed", "-3"));
        assertEquals(new HumanPace(new MillisRange(200, 600), 0.25, new MillisRange(700, 700), java.util.OptionalLong.of(-3)),
                TalkOptions.parse(args, Map.of(), NO_WARNINGS).pace());
        assertEquals(MillisRange.NONE, TalkOptions.parse(MINIMAL, Map.of("TALK_REPLY_GAP", "0"), NO_WARNINGS).pace().replyGap(),
                "0: reply at once, as before");
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            --reply-gap             | 700-300  | --reply-gap (TALK_REPLY_GAP) must be milliseconds MIN-MAX
            --reply-gap             | 10001    | each at most 10000
            --interrupt-after       | 60001    | --interrupt-after (TALK_INTERRUPT_AFTER) must be milliseconds
            --interrupt-probability | 1.5      | must be a probability from 0 to 1
            --interrupt-probability | often    | must be a probability from 0 to 1
            --seed                  | x        | --seed (TALK_SEED) must be a whole number
            """)
    void pace_badValue_namesTheFlag(String flag, String value, String expected) {
        List<String> args = new ArrayList<>(MINIMAL);
        args.addAll(List.of(flag, value));
        UsageException e = assertThrows(UsageException.class, () -> TalkOptions.parse(args, Map.of(), NO_WARNINGS));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void interruptProbability_withGaltea_isRefused() {
        UsageException e = assertThrows(UsageException.class, () -> TalkOptions.parse(List.of("--to", "+34910000001",
                "--from", "+34910000002", "--public-url", "https://x.example", "--galtea-version", "v", "--galtea-test", "t",
                "--interrupt-probability", "0.5"), Map.of(), NO_WARNINGS));
        assertTrue(e.getMessage().contains("not with Galtea"), e.getMessage());
    }
}
