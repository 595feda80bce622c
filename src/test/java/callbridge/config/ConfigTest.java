package callbridge.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Config.fromSources: defaults, precedence, conversions, and a message naming the variable for each bad value. */
class ConfigTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            neither set       |          |       | TWILIO_ACCOUNT_SID TWILIO_AUTH_TOKEN
            only the token    |          | token | TWILIO_ACCOUNT_SID
            only the sid      | AC123    |       | TWILIO_AUTH_TOKEN
            both              | AC123    | token |
            """)
    void missingTwilioCredentials_areNamedOneByOne(String what, String sid, String token, String missing) {
        Map<String, String> settings = new java.util.HashMap<>();
        settings.put("TWILIO_ACCOUNT_SID", sid == null ? "" : sid);
        settings.put("TWILIO_AUTH_TOKEN", token == null ? "" : token);
        assertEquals(missing == null ? java.util.List.of() : java.util.List.of(missing.split(" ")),
                Config.fromSources(settings, Map.of()).twilio().missingCredentials());
    }

    @Test
    void fromSources_nothingSet_defaults() {
        Config config = Config.fromSources(Map.of(), Map.of());
        assertAll(
                () -> assertEquals(8001, config.server().port()),
                () -> assertEquals(Optional.empty(), config.server().publicUrl()),
                () -> assertEquals(Duration.ofSeconds(10), config.server().requestTimeout()),
                () -> assertEquals(3, config.turns().vadMode()),
                () -> assertEquals(140, config.turns().silenceFrames()),
                () -> assertEquals(140, config.turns().silenceFrames()),
                () -> assertEquals(Duration.ofSeconds(50), config.turns().talkTimeout()),
                () -> assertEquals("scribe_v1", config.elevenLabs().sttModel()),
                () -> assertEquals("es", config.elevenLabs().sttLanguage()),
                () -> assertEquals("eleven_flash_v2_5", config.elevenLabs().ttsModel()),
                () -> assertEquals("es", config.elevenLabs().ttsLanguage()),
                () -> assertEquals("5IDdqnXnlsZ1FCxoOFYg", config.elevenLabs().ttsVoiceId()),
                () -> assertEquals(new VoiceSettings(0.0, 1.0, 1.0, true, 1.0), config.elevenLabs().ttsVoice()),
                () -> assertEquals(URI.create("https://api.elevenlabs.io"), config.elevenLabs().baseUrl()),
                () -> assertEquals(Optional.empty(), config.elevenLabs().apiKey()),
                () -> assertEquals(URI.create("https://api.twilio.com"), config.twilio().apiBaseUrl()),
                () -> assertTrue(config.twilio().validateSignatures()),
                () -> assertEquals(Optional.empty(), config.twilio().authToken()),
                () -> assertEquals(Optional.empty(), config.apiKey()));
    }

    @Test
    void fromSources_environmentWinsOverDotEnv_dotEnvFillsTheRest() {
        Config config = Config.fromSources(
                Map.of("PORT", "9000", "STT_MODEL", "from-env"),
                Map.of("PORT", "9100", "STT_MODEL", "from-file", "STT_LANGUAGE", "gl", "VAD_MODE", "1"));
        assertEquals(9000, config.server().port());
        assertEquals("from-env", config.elevenLabs().sttModel());
        assertEquals("gl", config.elevenLabs().sttLanguage());
        assertEquals(1, config.turns().vadMode());
    }

    @Test
    void fromSources_badValueInDotEnvHiddenByEnvironment_isNotAnError() {
        Config config = Config.fromSources(Map.of("PORT", "8080"), Map.of("PORT", "not-a-port"));
        assertEquals(8080, config.server().port());
    }

    @ParameterizedTest(name = "{0}=''{1}''")
    @CsvSource({
            "PORT,                       abc",
            "PORT,                       70000",
            "PORT,                       -1",
            "PORT,                       80.5",
            "VAD_MODE,                   4",
            "VAD_MODE,                   -1",
            "SILENCE_CHUNKS_TRIGGER,     0",
            "SILENCE_MS,                 10",
            "SILENCE_MS,                 1s",
            "TALK_TIMEOUT,               0",
            "TALK_TIMEOUT,               50s",
            "MAX_CONNECTIONS,            0",
            "REQUEST_TIMEOUT,            0",
            "REQUEST_TIMEOUT,            ten",
            "PUBLIC_URL,                 notaurl",
            "PUBLIC_URL,                 ftp://example.test",
            "PUBLIC_URL,                 wss://example.test",
            "PUBLIC_URL,                 https://example.test/?a=1",
            "PUBLIC_URL,                 https://exa mple.test",
            "ELEVENLABS_BASE_URL,        api.elevenlabs.io",
            "TWILIO_API_BASE_URL,        //api.twilio.com",
            "TTS_STABILITY,              -0.1",
            "TTS_STABILITY,              1.01",
            "TTS_STABILITY,              NaN",
            "TTS_STABILITY,              1e0",
            "TTS_SIMILARITY_BOOST,       2",
            "TTS_SIMILARITY_BOOST,       high",
            "TTS_STYLE,                  -1",
            "TTS_STYLE,                  '0,5'",
            "TTS_SPEED,                  0.69",
            "TTS_SPEED,                  1.21",
            "TTS_SPEED,                  Infinity",
            "TTS_SPEAKER_BOOST,          maybe",
            "TWILIO_VALIDATE_SIGNATURES, maybe",
            "TWILIO_VALIDATE_SIGNATURES, 2",
            "DRAIN_TIMEOUT,              -1",
            "DRAIN_TIMEOUT,              86401",
            "DRAIN_TIMEOUT,              1.5",
            "INSTANCE_ID,                'cb 1'",
            "INSTANCE_ID,                cb1:8080",
            "INSTANCE_ID,                cb/1",
            "INSTANCE_ID,                12345678901234567890123456789012345678901234567890123456789012345",
    })
    void fromSources_badValue_errorNamesTheVariableAndValue(String name, String value) {
        ConfigException e = assertThrows(ConfigException.class, () -> Config.fromSources(Map.of(name, value), Map.of()));
        assertTrue(e.getMessage().contains(name), e.getMessage());
        assertTrue(e.getMessage().contains(value), e.getMessage());
    }

    @Test
    void fromSources_badValueFromDotEnv_alsoNamed() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> Config.fromSources(Map.of(), Map.of("VAD_MODE", "loud")));
        assertTrue(e.getMessage().contains("VAD_MODE"), e.getMessage());
    }

    @Test
    void fromSources_silenceMsAndSilenceChunksTrigger_errorNamesBoth() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> Config.fromSources(Map.of("SILENCE_MS", "1000"), Map.of("SILENCE_CHUNKS_TRIGGER", "50")));
        assertTrue(e.getMessage().contains("SILENCE_MS"), e.getMessage());
        assertTrue(e.getMessage().contains("SILENCE_CHUNKS_TRIGGER"), e.getMessage());
    }

    @ParameterizedTest(name = "SILENCE_MS={0} -> {1} frames")
    @CsvSource({
            "20,    1",
            "21,    2",     // a part frame rounds up: never end a turn early
            "39,    2",
            "40,    2",
            "1000,  50",
            "1010,  51",
            "2800,  140",
            "60000, 3000",
    })
    void silenceMs_convertsToFramesRoundingUp(int millis, int frames) {
        Config config = Config.fromSources(Map.of("SILENCE_MS", Integer.toString(millis)), Map.of());
        assertEquals(frames, config.turns().silenceFrames());
    }

    @Test
    void turnTaking_defaultsAreThePrototypes() {
        Config config = Config.fromSources(Map.of(), Map.of());
        assertEquals(Config.TurnEnd.SILENCE, config.turns().turnEnd());
        assertEquals(Config.SttMode.BATCH, config.elevenLabs().realtime().mode());
        assertEquals("scribe_v2_realtime", config.elevenLabs().realtime().model());
        assertEquals(java.net.URI.create("wss://api.elevenlabs.io"), config.elevenLabs().realtime().url());
    }

    @Test
    void smartTurnEnd_readsItsPauses_inFramesRoundedUp() {
        Config.Turns turns = Config.fromSources(Map.of("TURN_END", "smart", "TURN_END_FINISHED_MS", "510",
                "TURN_END_UNSURE_MS", "1000"), Map.of()).turns();
        assertEquals(Config.TurnEnd.SMART, turns.turnEnd());
        assertEquals(26, turns.finishedFrames());
        assertEquals(50, turns.unsureFrames());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "TURN_END=clever                                      | TURN_END",
            "STT_MODE=streaming                                   | STT_MODE",
            "TURN_END=smart,TURN_END_FINISHED_MS=1500             | TURN_END_FINISHED_MS (1500) <= TURN_END_UNSURE_MS (1200)",
            "TURN_END=smart,SILENCE_MS=1000                       | <= the silence window (SILENCE_MS or SILENCE_CHUNKS_TRIGGER: 1000 ms)",
            "TURN_END_FINISHED_MS=50                              | TURN_END_FINISHED_MS",
            "STT_REALTIME_URL=https://api.elevenlabs.io           | STT_REALTIME_URL",
    })
    void turnTaking_badSettings_stopStartUp_namingThem(String settings, String named) {
        Map<String, String> environment = new java.util.HashMap<>();
        for (String pair : settings.split(",")) {
            environment.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        }
        ConfigException refused = assertThrows(ConfigException.class, () -> Config.fromSources(environment, Map.of()));
        assertTrue(refused.getMessage().contains(named), refused.getMessage());
    }

    @Test
    void smartTurnEnd_withAShortPrototypeWindow_isOnlyRefusedWhenChosen() {
        assertEquals(50, Config.fromSources(Map.of("SILENCE_MS", "1000"), Map.of()).turns().silenceFrames());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "http://127.0.0.1:9000,           ws://127.0.0.1:9000",
            "https://api.eu.residency.elevenlabs.io, wss://api.eu.residency.elevenlabs.io",
    })
    void realtimeUrl_followsTheElevenLabsBase(String base, String realtime) {
        assertEquals(java.net.URI.create(realtime), Config.fromSources(Map.of("ELEVENLABS_BASE_URL", base), Map.of())
                .elevenLabs().realtime().url());
    }

    @Test
    void silenceChunksTrigger_isFramesOf20Ms() {
        Config.Turns turns = Config.fromSources(Map.of("SILENCE_CHUNKS_TRIGGER", "25"), Map.of()).turns();
        assertEquals(25, turns.silenceFrames());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"true, true", "TRUE, true", "yes, true", "1, true", "on, true",
            "false, false", "False, false", "no, false", "0, false", "off, false"})
    void validateSignatures_acceptsTheUsualSpellings(String value, boolean expected) {
        Config config = Config.fromSources(Map.of("TWILIO_VALIDATE_SIGNATURES", value), Map.of());
        assertEquals(expected, config.twilio().validateSignatures());
    }

    @Test
    void voiceSettings_eachSettable_edgesOfTheRangesIncluded() {
        Config config = Config.fromSources(Map.of("TTS_STABILITY", "1", "TTS_SIMILARITY_BOOST", ".25", "TTS_STYLE", "0.0",
                "TTS_SPEAKER_BOOST", "False", "TTS_SPEED", "0.7"), Map.of());
        assertEquals(new VoiceSettings(1.0, 0.25, 0.0, false, 0.7), config.elevenLabs().ttsVoice());
        assertEquals(1.2, Config.fromSources(Map.of("TTS_SPEED", "1.2"), Map.of()).elevenLabs().ttsVoice().speed());
    }

    @Test
    void drainAndInstance_defaultToAnImmediateEnd_andAProcessWideUniqueName() {
        Config.Server server = Config.fromSources(Map.of(), Map.of()).server();
        assertEquals(Duration.ZERO, server.drainTimeout());
        assertTrue(Config.INSTANCE_ID.matcher(server.instanceId()).matches(), server.instanceId());
        assertTrue(server.instanceId().contains(Long.toString(ProcessHandle.current().pid())), server.instanceId());
        assertEquals(server.instanceId(), Config.fromSources(Map.of(), Map.of()).server().instanceId(), "one per process");

        Config.Server set = Config.fromSources(Map.of("DRAIN_TIMEOUT", "3600", "INSTANCE_ID", "cb-2.east_1"), Map.of()).server();
        assertEquals(Duration.ofHours(1), set.drainTimeout());
        assertEquals("cb-2.east_1", set.instanceId());
    }

    /** .env.example is what people copy: it must load, and its values must be the defaults it documents. */
    @Test
    void envExample_loadsAndGivesTheDefaults() {
        Config example = Config.fromSources(Map.of(), DotEnv.read(Path.of(".env.example")));
        Config defaults = Config.fromSources(Map.of(), Map.of());
        assertEquals(defaults.elevenLabs(), example.elevenLabs());
        assertEquals(defaults.turns(), example.turns());
        assertEquals(defaults.server(), example.server());
    }

    @Test
    void elevenLabsKey_seedNameAcceptedAsFallback() {
        Config onlyOld = Config.fromSources(Map.of(), Map.of("ELEVENLABS_API_KEY_GAL", "old-key"));
        assertEquals("old-key", onlyOld.elevenLabs().apiKey().orElseThrow().value());

        Config both = Config.fromSources(Map.of("ELEVENLABS_API_KEY_GAL", "old-key"), Map.of("ELEVENLABS_API_KEY", "new-key"));
        assertEquals("new-key", both.elevenLabs().apiKey().orElseThrow().value());
    }

    @Test
    void emptyOrBlankValue_countsAsUnset() {
        Config config = Config.fromSources(Map.of("PORT", "", "VAD_MODE", "   ", "STT_MODEL", "", "API_KEY", ""), Map.of());
        assertEquals(8001, config.server().port());
        assertEquals(3, config.turns().vadMode());
        assertEquals("scribe_v1", config.elevenLabs().sttModel());
        assertEquals(Optional.empty(), config.apiKey());
    }

    @Test
    void values_surroundingWhitespaceIgnored() {
        Config config = Config.fromSources(Map.of("PORT", " 9000 ", "TTS_VOICE_ID", " voice "), Map.of());
        assertEquals(9000, config.server().port());
        assertEquals("voice", config.elevenLabs().ttsVoiceId());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "https://abc.ngrok.app,          https://abc.ngrok.app",
            "https://abc.ngrok.app/,         https://abc.ngrok.app",
            "http://10.0.0.5:8001/,          http://10.0.0.5:8001",
            "https://lb.example.test/calls/, https://lb.example.test/calls",
            "HTTPS://abc.ngrok.app,          HTTPS://abc.ngrok.app",
    })
    void publicUrl_acceptedWithoutTrailingSlash(String value, String expected) {
        Config config = Config.fromSources(Map.of("PUBLIC_URL", value), Map.of());
        assertEquals(Optional.of(URI.create(expected)), config.server().publicUrl());
    }

    @Test
    void toString_neverShowsASecret() {
        Map<String, String> env = Map.of(
                "API_KEY", "api-key-value-1",
                "TWILIO_AUTH_TOKEN", "twilio-token-value-2",
                "ELEVENLABS_API_KEY", "eleven-key-value-3",
                "TWILIO_ACCOUNT_SID", "AC0123");
        Config config = Config.fromSources(env, Map.of());
        String text = config.toString();
        for (String secret : new String[]{"api-key-value-1", "twilio-token-value-2", "eleven-key-value-3"}) {
            assertFalse(text.contains(secret), "secret in toString: " + text);
        }
        assertTrue(text.contains("AC0123"), "the account SID is no secret and helps debugging: " + text);
        // The values are still there for whoever needs them.
        assertEquals("twilio-token-value-2", config.twilio().authToken().orElseThrow().value());
        assertEquals("api-key-value-1", config.apiKey().orElseThrow().value());
    }

    @Test
    void toString_ofTheFallbackKey_neverShowsIt() {
        Config config = Config.fromSources(Map.of("ELEVENLABS_API_KEY_GAL", "gal-key-value"), Map.of());
        assertFalse(config.toString().contains("gal-key-value"), config.toString());
        assertFalse(config.elevenLabs().toString().contains("gal-key-value"));
    }
}
