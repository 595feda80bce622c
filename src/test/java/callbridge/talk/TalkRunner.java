package callbridge.talk;

import callbridge.config.Config;
import callbridge.config.Secret;
import callbridge.json.Json;
import callbridge.testing.FakeTwilioRest;
import callbridge.testing.TestCallbridge;
import callbridge.twilio.OutboundCalls;
import callbridge.twilio.TwilioCallControl;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs {@code talk} in this JVM, as {@code Main} wires it, through a {@link TestCallbridge} server and its
 * Twilio REST stand-in: the flags given plus {@code --server} and {@code --report}, the settings given
 * plus the server's API key and Twilio credentials.
 */
final class TalkRunner {
    static final String TO = "+34910000001";
    static final String FROM = "+34910000002";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** What one run printed, its exit and its report. */
    record Result(Talk.Exit exit, String output, JsonNode report) {
        JsonNode conversation(int index) {
            return report.path("conversations").path(index);
        }
    }

    private TalkRunner() {
    }

    static Result run(TestCallbridge server, Path dir, Map<String, String> settings, String... flags) throws Exception {
        return run(server, dir, settings, new CountDownLatch(1), flags);
    }

    static Result run(TestCallbridge server, Path dir, Map<String, String> settings, CountDownLatch stop, String... flags)
            throws Exception {
        List<String> args = new ArrayList<>(List.of("--to", TO, "--from", FROM, "--server", "http://127.0.0.1:" + server.port()));
        args.addAll(List.of(flags));
        return runWith(server, dir, settings, stop, args);
    }

    /** {@code talk} with these arguments and {@code --report}, nothing else added. */
    static Result runWith(TestCallbridge server, Path dir, Map<String, String> settings, CountDownLatch stop, List<String> flags)
            throws Exception {
        Path report = dir.resolve("report.json");
        List<String> args = new ArrayList<>(flags);
        args.addAll(List.of("--report", report.toString()));
        Map<String, String> all = new HashMap<>(settingsFor(server.twilioRest()));
        all.putAll(settings);
        TalkOptions options = TalkOptions.parse(args, all, warning -> {
        });
        OutboundCalls calls = TwilioCallControl.from(Config.fromSettings(all).twilio()).orElseThrow();
        Talk talk = Talk.prepare(options, all, HTTP);
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Talk.Exit exit;
        try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            exit = talk.run(options.server().orElseThrow(), new Secret(TestCallbridge.API_KEY), calls, out,
                    stop, Clock.systemUTC());
        }
        JsonNode written = Files.exists(report) ? Json.MAPPER.readTree(report.toFile()) : Json.MAPPER.nullNode();
        return new Result(exit, output.toString(StandardCharsets.UTF_8), written);
    }

    static Map<String, String> settingsFor(FakeTwilioRest twilio) {
        return Map.of("API_KEY", TestCallbridge.API_KEY,
                "TWILIO_ACCOUNT_SID", FakeTwilioRest.ACCOUNT_SID,
                "TWILIO_AUTH_TOKEN", FakeTwilioRest.AUTH_TOKEN,
                "TWILIO_API_BASE_URL", twilio.baseUrl().toString());
    }
}
