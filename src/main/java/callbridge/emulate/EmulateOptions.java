package callbridge.emulate;

import callbridge.config.Flags;
import callbridge.config.PlainValues;
import callbridge.config.UsageException;
import callbridge.twilio.TwilioPaths;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * What one {@code emulate} run was asked to do: flags over settings (environment, {@code .env}), each checked
 * here so a mistake is reported before any call is made.
 *
 * @param server     the callbridge to call: its webhook and media stream are reached at this address
 * @param audio      what every caller says (a WAV file), then silence; empty: silence only
 * @param repeat     say the audio again this often; empty: once
 * @param calls      calls to make, started evenly over {@code ramp}
 * @param duration   each call hangs up this long after its stream started; empty: when the server ends it
 * @param out        a WAV per call of what the server said; empty: none written
 * @param signing    the Twilio auth token that signs the webhook and the stream upgrade; empty: unsigned
 * @param webhookUrl the URL signed for the webhook, which the server checks: {@code PUBLIC_URL} when set
 * @param progressEvery how often a progress line is printed
 */
public record EmulateOptions(URI server, Optional<Path> audio, Optional<Duration> repeat, int calls, Duration ramp,
                             Optional<Duration> duration, Optional<Path> out, Optional<String> signing,
                             String accountSid, URI webhookUrl, String from, String to, Duration progressEvery) {
    public static final String WEBHOOK_PATH = TwilioPaths.VOICE_WEBHOOK;
    /** Twilio's test credentials' magic "from" number; any E.164 number works here. */
    static final String DEFAULT_FROM = "+15005550006";
    static final String DEFAULT_TO = "+15005550001";
    private static final Set<String> FLAGS = Set.of("--server", "--audio", "--repeat", "--calls", "--ramp",
            "--duration", "--out", "--from", "--to", "--progress");
    /** Calls started a second by default: {@code --ramp} is the number of calls over this. */
    private static final double DEFAULT_CALLS_PER_SECOND = 50;

    public static boolean wantsHelp(List<String> args) {
        return args.contains("--help") || args.contains("-h");
    }

    public static String help() {
        return """
                usage: java -jar callbridge.jar emulate [flags]
                Plays Twilio against a callbridge server: posts the voice webhook, opens the media stream its TwiML
                names, streams 20 ms mu-law frames in real time, echoes marks when playback would reach them.
                  --server URL       the server (default http://127.0.0.1:$PORT, PORT from the environment or 8001)
                  --audio FILE.wav   what each caller says, then silence (16-bit PCM, mu-law or A-law; any rate; mono
                                     or stereo; at most 10 minutes and 64 MiB); without it, silence only
                  --repeat SECONDS   say the audio again every SECONDS (default: once)
                  --calls N          calls to make (default 1), started evenly over --ramp
                  --ramp SECONDS     (default 0 for one call, N/50 otherwise)
                  --duration SECONDS hang up each call this long after its stream started (default: when the
                                     server ends it, or Ctrl-C)
                  --out DIR          write DIR/<CallSid>.wav of what the server said in each call
                  --from, --to       the numbers in the webhook (defaults %s, %s)
                  --progress SECONDS print progress this often (default 5)
                Settings (environment or ./.env): TWILIO_AUTH_TOKEN signs the webhook and the stream as Twilio does,
                TWILIO_ACCOUNT_SID is sent as AccountSid, PUBLIC_URL is the webhook URL signed (as the server checks it).
                Prints a line per call when it ends, progress every 5 s, and the generator's own health: frames sent
                late, by how much, and its CPU (a share of one core; per frame too from 10 calls on).
                Relative paths are read from the directory emulate runs in. Exit codes: 0 every call went well,
                1 a call failed, 2 a flag, setting or file is wrong, 3 no server answers at --server.
                emulate agent plays the other side: a tiny voice agent for talk --local-agent (emulate agent --help).""".formatted(DEFAULT_FROM, DEFAULT_TO);
    }

    /** @throws UsageException naming the first flag or setting that is unknown or malformed */
    public static EmulateOptions parse(List<String> args, Map<String, String> settings) throws UsageException {
        Map<String, String> flags = Flags.read(args, FLAGS, Set.of());
        String port = setting(settings, "PORT").orElse("8001");
        URI server = url("--server", flags.getOrDefault("--server", "http://127.0.0.1:" + port));
        String callsFlag = flags.getOrDefault("--calls", "1");
        if (!callsFlag.matches("[0-9]{1,6}")) {
            throw new UsageException("--calls must be a whole number: '" + callsFlag + "'");
        }
        int calls = (int) number("--calls", callsFlag, 1, 100_000);
        Duration ramp = flags.containsKey("--ramp") ? seconds("--ramp", flags.get("--ramp"), 0)
                : calls == 1 ? Duration.ZERO : Duration.ofMillis(Math.round(1000 * calls / DEFAULT_CALLS_PER_SECOND));
        Optional<URI> publicUrl = setting(settings, "PUBLIC_URL").isPresent()
                ? Optional.of(url("PUBLIC_URL", setting(settings, "PUBLIC_URL").get())) : Optional.empty();
        URI webhookBase = publicUrl.orElse(server);
        return new EmulateOptions(server,
                Optional.ofNullable(flags.get("--audio")).map(Path::of),
                optionalSeconds(flags, "--repeat"),
                calls, ramp,
                optionalSeconds(flags, "--duration"),
                Optional.ofNullable(flags.get("--out")).map(Path::of),
                setting(settings, "TWILIO_AUTH_TOKEN"),
                setting(settings, "TWILIO_ACCOUNT_SID").orElse("AC" + "0".repeat(32)),
                URI.create(stripSlash(webhookBase.toString()) + WEBHOOK_PATH),
                flags.getOrDefault("--from", DEFAULT_FROM), flags.getOrDefault("--to", DEFAULT_TO),
                seconds("--progress", flags.getOrDefault("--progress", "5"), 0.1));
    }

    private static Optional<String> setting(Map<String, String> settings, String name) {
        return Optional.ofNullable(settings.get(name)).map(String::strip).filter(value -> !value.isEmpty());
    }

    private static URI url(String name, String value) throws UsageException {
        try {
            URI uri = new URI(value);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new UsageException(name + " must be an http:// or https:// URL: '" + value + "'");
            }
            return uri;
        } catch (java.net.URISyntaxException e) {
            throw new UsageException(name + " is not a URL: '" + value + "'");
        }
    }

    /** A plain decimal ({@link PlainValues}) from {@code min} to {@code max}. */
    private static double number(String name, String value, double min, double max) throws UsageException {
        OptionalDouble number = PlainValues.decimal(value);
        if (number.isPresent() && number.getAsDouble() >= min && number.getAsDouble() <= max) {
            return number.getAsDouble();
        }
        throw new UsageException(name + " must be a number from " + (long) min + " to " + (long) max + ": '" + value + "'");
    }

    private static Duration seconds(String name, String value, double min) throws UsageException {
        return Duration.ofMillis(Math.round(1000 * number(name, value, min, 86_400)));
    }

    private static Optional<Duration> optionalSeconds(Map<String, String> flags, String name) throws UsageException {
        return flags.containsKey(name) ? Optional.of(seconds(name, flags.get(name), 0.02)) : Optional.empty();
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
