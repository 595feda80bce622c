package callbridge.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A name in .env that nothing reads is most likely a typo: start-up warns, and says what was meant. */
class UnknownSettingsTest {

    @Test
    void knownNames_areEveryNameConfigReads() {
        Set<String> known = UnknownSettings.knownNames();
        for (String name : List.of("PORT", "PUBLIC_URL", "API_KEY", "TWILIO_AUTH_TOKEN", "STREAM_SECRET",
                "ELEVENLABS_API_KEY", "ELEVENLABS_API_KEY_GAL", "SILENCE_CHUNKS_TRIGGER", "SILENCE_MS", "TALK_TIMEOUT")) {
            assertTrue(known.contains(name), name + " not in " + known);
        }
    }

    @Test
    void knownNames_andTheTalkCommandsPrefixes_areNotWarnedAbout() {
        assertEquals(List.of(), UnknownSettings.warnings(Map.of("API_KEY", "k", "PORT", "1", "SILENCE_MS", "900",
                "TALK_TO", "+34600000000", "LLM_MODEL", "m", "GALTEA_API_KEY", "g")));
    }

    @Test
    void typo_isWarnedAbout_withTheNameMeant() {
        assertEquals(List.of(".env sets APIKEY, which callbridge does not read (did you mean API_KEY?)",
                        ".env sets port, which callbridge does not read (did you mean PORT?)",
                        ".env sets WHATEVER, which callbridge does not read"),
                UnknownSettings.warnings(DotEnv.parse(List.of("APIKEY=k", "port=8002", "WHATEVER=1"), ".env")));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "none", textBlock = """
            APIKEY         | API_KEY
            api_key        | API_KEY
            API_KY         | API_KEY
            API_KEYS       | API_KEY
            API_KYE        | API_KEY
            port           | PORT
            ELEVENLABS_KEY | ELEVENLABS_API_KEY
            TWILIO_TOKEN   | TWILIO_AUTH_TOKEN
            TWILIO_SID     | TWILIO_ACCOUNT_SID
            TTS_VOICE      | TTS_VOICE_ID
            RECORD_DIR     | RECORDS_DIR
            KEY            | none
            HOME           | none
            WHATEVER       | none
            MY_OWN_THING   | none
            """)
    void typoHint_isTheNearestKnownName_withinTwoEditsOrWithWordsLeftOut(String written, String meant) {
        assertEquals(Optional.ofNullable(meant), UnknownSettings.likelyMeant(written));
    }

    @Test
    void envExample_setsOnlyKnownNames_andLoadsWithSilenceMsFromTheEnvironment() throws IOException {
        Map<String, String> example = DotEnv.parse(Files.readAllLines(Path.of(".env.example"), StandardCharsets.UTF_8), ".env.example");
        assertEquals(List.of(), UnknownSettings.warnings(example));
        // Copied as it is, the example must leave both ways of setting the silence open.
        assertEquals(45, Config.fromSources(Map.of("SILENCE_MS", "900"), example).turns().silenceFrames());
    }
}
