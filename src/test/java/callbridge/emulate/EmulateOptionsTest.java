package callbridge.emulate;

import callbridge.config.UsageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Flags over settings, and the message for each mistake. */
class EmulateOptionsTest {
    @Test
    void defaults_oneSilentCallToPort8001() throws Exception {
        EmulateOptions options = EmulateOptions.parse(List.of(), Map.of());
        assertEquals(URI.create("http://127.0.0.1:8001"), options.server());
        assertEquals(1, options.calls());
        assertEquals(Duration.ZERO, options.ramp());
        assertEquals(Optional.empty(), options.duration());
        assertEquals(Optional.empty(), options.signing());
        assertEquals(URI.create("http://127.0.0.1:8001/twilio-voice"), options.webhookUrl());
    }

    @Test
    void settings_portTokenAndPublicUrl_andFlagsInBothForms() throws Exception {
        EmulateOptions options = EmulateOptions.parse(List.of("--calls=500", "--duration", "30", "--repeat", "4.5"),
                Map.of("PORT", "9000", "TWILIO_AUTH_TOKEN", "tok", "PUBLIC_URL", "https://abc.ngrok.app/"));
        assertEquals(URI.create("http://127.0.0.1:9000"), options.server());
        assertEquals(Duration.ofSeconds(10), options.ramp(), "50 calls a second by default");
        assertEquals(Optional.of(Duration.ofSeconds(30)), options.duration());
        assertEquals(Optional.of(Duration.ofMillis(4500)), options.repeat());
        assertEquals(Optional.of("tok"), options.signing());
        assertEquals(URI.create("https://abc.ngrok.app/twilio-voice"), options.webhookUrl(), "what the server checks");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            --bogus 1         | unknown flag '--bogus'
            --calls 0         | --calls must be a number from 1
            --calls 1.5       | --calls must be a whole number
            --ramp -1         | --ramp must be a number
            --repeat 1e1      | --repeat must be a number
            --duration 0x1p3  | --duration must be a number
            --server ftp://x  | --server must be an http:// or https:// URL
            --duration        | --duration needs a value
            stray             | unexpected argument 'stray'
            """)
    void mistakes_nameTheFlag(String args, String message) {
        UsageException e = assertThrows(UsageException.class, () -> EmulateOptions.parse(List.of(args.split(" ")), Map.of()));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }
}
