package callbridge.config;

import java.io.IOException;
import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything callbridge is told from outside, read once at start-up and never changed. Values come from
 * the environment, then from a {@code .env} file in the working directory (the environment wins). Every
 * value is validated here, so a typo stops start-up with a message naming the variable, not a call later.
 *
 * @param server     where and how the server listens
 * @param twilio     Twilio credentials and call control
 * @param elevenLabs ElevenLabs speech-to-text and text-to-speech
 * @param turns      turn detection and call idle timeout
 * @param apiKey     the key {@code /generate} callers send as {@code X-API-KEY}; empty when not configured
 * @param records    where call records (and recordings) are written
 * @param observability what the server tells its operators: metrics and log lines
 */
public record Config(Server server, Twilio twilio, ElevenLabs elevenLabs, Turns turns, Optional<Secret> apiKey,
                     Records records, Observability observability) {
    /** The prototype's ElevenLabs voice, the default, so calls sound the same after switching. */
    public static final String PROTOTYPE_VOICE_ID = "5IDdqnXnlsZ1FCxoOFYg";

    public Config {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(twilio, "twilio");
        Objects.requireNonNull(elevenLabs, "elevenLabs");
        Objects.requireNonNull(turns, "turns");
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(records, "records");
        Objects.requireNonNull(observability, "observability");
    }

    /**
     * @param port             public port for HTTP and the {@code /media} WebSocket (0 picks a free one)
     * @param publicUrl        the URL Twilio uses to reach us (ngrok, load balancer); empty: taken from requests
     * @param maxConnections   open connections allowed at once on the public port
     * @param requestTimeout   an HTTP request must arrive whole (head and body) within this time
     * @param mediaIdleTimeout a {@code /media} WebSocket that receives no message for this long is closed
     * @param shutdownGrace    how long a SIGTERM may take to end calls before the process exits anyway
     * @param drainTimeout     how long a SIGTERM lets the live calls go on before ending them; zero: end them at once
     * @param instanceId       this process's name in every answer's {@code X-Callbridge-Instance} header
     */
    public record Server(int port, Optional<URI> publicUrl, int maxConnections, Duration requestTimeout,
                         Duration mediaIdleTimeout, Duration shutdownGrace, Duration drainTimeout, String instanceId) {
        public Server withPublicUrl(Optional<URI> url) {
            return new Server(port, url, maxConnections, requestTimeout, mediaIdleTimeout, shutdownGrace,
                    drainTimeout, instanceId);
        }
    }

    /**
     * What an {@code INSTANCE_ID} may hold: it goes into a response header and into a load balancer's server
     * name, so the characters both take without quoting.
     */
    public static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /**
     * @param accountSid         Twilio account SID (AC...)
     * @param authToken          signs webhooks and authenticates REST calls
     * @param apiBaseUrl         Twilio's REST API, or a proxy or stand-in
     * @param validateSignatures check {@code X-Twilio-Signature} on the webhook and the {@code /media} upgrade
     * @param streamSecret       keys the tokens that bind a media stream to its call; empty: a random one
     *                           made at start-up (set it when several instances serve one number)
     */
    public record Twilio(Optional<String> accountSid, Optional<Secret> authToken, URI apiBaseUrl,
                         boolean validateSignatures, Optional<Secret> streamSecret) {
        /** The credentials calls are completed with that are not set, by name: empty when both are. */
        public List<String> missingCredentials() {
            List<String> missing = new ArrayList<>();
            if (accountSid.isEmpty()) {
                missing.add("TWILIO_ACCOUNT_SID");
            }
            if (authToken.isEmpty()) {
                missing.add("TWILIO_AUTH_TOKEN");
            }
            return List.copyOf(missing);
        }
    }

    /**
     * One chunk of {@code SILENCE_CHUNKS_TRIGGER}: a media-stream frame, 20 ms, the prototype's unit. Named
     * here rather than taken from {@code audio/} so that settings depend on no capability package.
     */
    public static final int CHUNK_MILLIS = 20;

    /** A stream secret's minimum length: as many characters as the bytes an HMAC-SHA256 key should have. */
    public static final int MIN_STREAM_SECRET_LENGTH = 32;

    /**
     * ElevenLabs API access and the models, languages and voice used for both directions of speech.
     *
     * @param ttsVoice how the voice {@code ttsVoiceId} is rendered
     */
    public record ElevenLabs(Optional<Secret> apiKey, URI baseUrl, String sttModel, String sttLanguage,
                             String ttsModel, String ttsVoiceId, String ttsLanguage, VoiceSettings ttsVoice,
                             Realtime realtime) {
    }

    /** How far-end turns become text: one batch request a turn (the prototype's way), or as the call goes. */
    public enum SttMode { BATCH, REALTIME }

    /**
     * Realtime speech-to-text ({@code STT_MODE=realtime}): ElevenLabs' WebSocket API, fed each call's audio
     * as it arrives, with the batch request as the fallback that never loses a turn.
     *
     * @param url   where the WebSocket API is: {@code STT_REALTIME_URL}, else {@code ELEVENLABS_BASE_URL} as
     *              {@code wss://} (or {@code ws://} for an {@code http://} base)
     * @param model {@code STT_REALTIME_MODEL}
     */
    public record Realtime(SttMode mode, URI url, String model) {
    }

    /** Where a turn ends: after the fixed silence window (the prototype's rule), or as the words so far read. */
    public enum TurnEnd { SILENCE, SMART }

    /**
     * @param vadMode       WebRTC VAD aggressiveness, 0 (least) to 3 (most eager to call audio silence)
     * @param silenceFrames this many silent 20 ms frames after speech end a turn
     * @param talkTimeout   a call with no far-end speech and no {@code /generate} activity this long is ended
     * @param turnEnd       {@code TURN_END}: the fixed window, or the smart rule
     * @param finishedFrames with the smart rule, the pause that ends finished words ({@code TURN_END_FINISHED_MS})
     * @param unsureFrames   with the smart rule, the pause that ends words that read neither finished nor open
     *                       ({@code TURN_END_UNSURE_MS}); open words wait the whole window
     * @param bargeInFrames  with {@code BARGE_IN=true}, the far end's speech over ours that stops ours
     *                       ({@code BARGE_IN_MIN_MS}); empty: ours plays on
     */
    public record Turns(int vadMode, int silenceFrames, Duration talkTimeout, TurnEnd turnEnd, int finishedFrames,
                        int unsureFrames, Optional<Integer> bargeInFrames) {
    }

    /** Where a call's record goes when the call ends. */
    public static final String DEFAULT_RECORDS_DIR = "./records";

    /**
     * @param directory   each call's record is written there as {@code <CallSid>.json}; empty ({@code RECORDS_DIR=}):
     *                    records are kept in memory only
     * @param recordAudio also write each call's audio there, a stereo WAV ({@code <CallSid>.wav})
     */
    public record Records(Optional<Path> directory, boolean recordAudio) {
        /**
         * Creates the records directory, or stops start-up naming {@code RECORDS_DIR}: the records are written
         * when calls end, and a directory that cannot take them would otherwise lose every one, each with a
         * log line, long after start-up said nothing.
         *
         * @throws ConfigException when the directory is a file, cannot be created or cannot be written in
         */
        public void prepareDirectory() {
            if (directory.isEmpty()) {
                return;
            }
            try {
                WritableDirectory.prepare(directory.get());
            } catch (IOException e) {
                throw new ConfigException("RECORDS_DIR: " + e.getMessage() + "; set RECORDS_DIR to a directory"
                        + " callbridge can write in, or set it empty (RECORDS_DIR=) to keep records in memory only");
            }
        }
    }

    /**
     * @param metricsKey the bearer token {@code GET /metrics} asks for; empty: {@code /metrics} is open
     * @param logLevel   the least severe level callbridge logs
     */
    public record Observability(Optional<Secret> metricsKey, System.Logger.Level logLevel) {
    }

    /** {@code LOG_LEVEL}'s values, as {@link System.Logger} names its levels (WARN too, as most loggers spell it). */
    static final Map<String, System.Logger.Level> LOG_LEVELS = logLevels();

    /** Reads the process environment over {@code ./.env}. */
    public static Config load() {
        return fromSources(System.getenv(), DotEnv.read(DotEnv.FILE));
    }

    /**
     * Every setting by name, the process environment over {@code ./.env}, unvalidated: for commands that
     * read settings of their own (such as {@code talk}) beside the server's.
     */
    public static Map<String, String> rawSettings() {
        return merge(System.getenv(), DotEnv.read(DotEnv.FILE));
    }

    /** Builds the config from explicit sources; {@code environment} wins over {@code dotEnv}. */
    public static Config fromSources(Map<String, String> environment, Map<String, String> dotEnv) {
        return fromSettings(merge(environment, dotEnv));
    }

    /** Builds the config from settings already merged (see {@link #rawSettings}). */
    public static Config fromSettings(Map<String, String> settings) {
        return from(new Settings(settings));
    }

    /**
     * Returns the config with {@code publicUrl} as the address Twilio reaches the server at; empty: each
     * request's own {@code Host}, as for calls placed on this machine.
     */
    public Config withPublicUrl(Optional<URI> publicUrl) {
        return new Config(server.withPublicUrl(publicUrl), twilio, elevenLabs, turns, apiKey, records, observability);
    }

    /** Returns the config with {@code apiKey} as the key {@code /generate} callers send. */
    public Config withApiKey(Secret key) {
        return new Config(server, twilio, elevenLabs, turns, Optional.of(key), records, observability);
    }

    private static Map<String, String> merge(Map<String, String> environment, Map<String, String> dotEnv) {
        Map<String, String> merged = new HashMap<>(dotEnv);
        merged.putAll(environment);
        return merged;
    }

    /** Reads every setting from {@code s}; package-private so {@link UnknownSettings} can see which names it asks for. */
    static Config from(Settings s) {
        Server server = new Server(
                s.integer("PORT", 8001, 0, 65_535),
                s.url("PUBLIC_URL", Set.of("http", "https")),
                s.integer("MAX_CONNECTIONS", 1_000, 1, 100_000),
                s.seconds("REQUEST_TIMEOUT", 10, 1, 300),
                s.seconds("MEDIA_IDLE_TIMEOUT", 60, 1, 3_600),
                s.seconds("SHUTDOWN_GRACE", 10, 1, 300),
                s.seconds("DRAIN_TIMEOUT", 0, 0, 86_400),
                s.matching("INSTANCE_ID", INSTANCE_ID, "letters, digits, '.', '_' and '-', at most 64")
                        .orElse(DEFAULT_INSTANCE_ID));
        Twilio twilio = new Twilio(
                s.optional("TWILIO_ACCOUNT_SID"),
                s.secret("TWILIO_AUTH_TOKEN"),
                s.url("TWILIO_API_BASE_URL", Set.of("http", "https")).orElse(URI.create("https://api.twilio.com")),
                s.bool("TWILIO_VALIDATE_SIGNATURES", true),
                s.secret("STREAM_SECRET", MIN_STREAM_SECRET_LENGTH));
        URI elevenLabsBase = s.url("ELEVENLABS_BASE_URL", Set.of("http", "https")).orElse(URI.create("https://api.elevenlabs.io"));
        ElevenLabs elevenLabs = new ElevenLabs(
                s.secret("ELEVENLABS_API_KEY").or(() -> s.secret("ELEVENLABS_API_KEY_GAL")),
                elevenLabsBase,
                s.string("STT_MODEL", "scribe_v1"),
                s.string("STT_LANGUAGE", "es"),
                s.string("TTS_MODEL", "eleven_flash_v2_5"),
                s.string("TTS_VOICE_ID", PROTOTYPE_VOICE_ID),
                s.string("TTS_LANGUAGE", "es"),
                voiceSettings(s),
                realtime(s, elevenLabsBase));
        int silenceFrames = silenceFrames(s);
        TurnEnd turnEnd = s.oneOf("TURN_END", TurnEnd.SILENCE, byName(TurnEnd.values()));
        int finishedFrames = Math.ceilDiv(s.integer("TURN_END_FINISHED_MS", 400, 100, 60_000), CHUNK_MILLIS);
        int unsureFrames = Math.ceilDiv(s.integer("TURN_END_UNSURE_MS", 1_200, 100, 60_000), CHUNK_MILLIS);
        if (turnEnd == TurnEnd.SMART && (finishedFrames > unsureFrames || unsureFrames > silenceFrames)) {
            throw new ConfigException("TURN_END=smart needs TURN_END_FINISHED_MS (" + finishedFrames * CHUNK_MILLIS
                    + ") <= TURN_END_UNSURE_MS (" + unsureFrames * CHUNK_MILLIS + ") <= the silence window (SILENCE_MS or"
                    + " SILENCE_CHUNKS_TRIGGER: " + silenceFrames * CHUNK_MILLIS + " ms)");
        }
        Turns turns = new Turns(
                s.integer("VAD_MODE", 3, 0, 3),
                silenceFrames,
                s.seconds("TALK_TIMEOUT", 50, 1, 86_400),
                turnEnd,
                finishedFrames,
                unsureFrames,
                bargeInFrames(s));
        Observability observability = new Observability(
                s.secret("METRICS_KEY"),
                s.oneOf("LOG_LEVEL", System.Logger.Level.INFO, LOG_LEVELS));
        return new Config(server, twilio, elevenLabs, turns, s.secret("API_KEY"), records(s), observability);
    }

    /**
     * A name no other process shares, readable in a log: the host's name when the environment gives it
     * (containers and login shells do), the process id, and random digits, since a restarted container has
     * the same host name and often the same pid. Made once: every config this process loads names it alike.
     */
    private static final String DEFAULT_INSTANCE_ID = defaultInstanceId();

    private static String defaultInstanceId() {
        String host = Optional.ofNullable(System.getenv("HOSTNAME"))
                .filter(name -> INSTANCE_ID.matcher(name).matches() && name.length() <= 40)
                .map(name -> name + "-").orElse("");
        return host + ProcessHandle.current().pid() + "-" + HexFormat.of().toHexDigits((short) new SecureRandom().nextInt());
    }

    /** {@code RECORDS_DIR} (set empty: off) and {@code RECORD_AUDIO}, which needs a directory to record into. */
    private static Records records(Settings s) {
        Optional<Path> directory = Optional.empty();
        if (!s.setEmpty("RECORDS_DIR")) {
            String name = s.string("RECORDS_DIR", DEFAULT_RECORDS_DIR);
            try {
                directory = Optional.of(Path.of(name));
            } catch (InvalidPathException e) {
                throw new ConfigException("RECORDS_DIR must be a directory path, got '" + name + "': " + e.getReason());
            }
        }
        boolean recordAudio = s.bool("RECORD_AUDIO", false);
        if (recordAudio && directory.isEmpty()) {
            throw new ConfigException("RECORD_AUDIO=true needs RECORDS_DIR, which is set empty (records off)");
        }
        return new Records(directory, recordAudio);
    }

    private static Map<String, System.Logger.Level> logLevels() {
        Map<String, System.Logger.Level> levels = new LinkedHashMap<>();
        levels.put("ERROR", System.Logger.Level.ERROR);
        levels.put("WARN", System.Logger.Level.WARNING);
        levels.put("WARNING", System.Logger.Level.WARNING);
        levels.put("INFO", System.Logger.Level.INFO);
        levels.put("DEBUG", System.Logger.Level.DEBUG);
        levels.put("TRACE", System.Logger.Level.TRACE);
        return Collections.unmodifiableMap(levels);
    }

    private static VoiceSettings voiceSettings(Settings s) {
        VoiceSettings defaults = VoiceSettings.PROTOTYPE;
        return new VoiceSettings(
                s.decimal("TTS_STABILITY", defaults.stability(), 0, 1),
                s.decimal("TTS_SIMILARITY_BOOST", defaults.similarityBoost(), 0, 1),
                s.decimal("TTS_STYLE", defaults.style(), 0, 1),
                s.bool("TTS_SPEAKER_BOOST", defaults.speakerBoost()),
                s.decimal("TTS_SPEED", defaults.speed(), VoiceSettings.MIN_SPEED, VoiceSettings.MAX_SPEED));
    }

    /** {@code BARGE_IN} and {@code BARGE_IN_MIN_MS}: how much far-end speech over ours stops ours, if any does. */
    private static Optional<Integer> bargeInFrames(Settings s) {
        int millis = s.integer("BARGE_IN_MIN_MS", 400, CHUNK_MILLIS, 10_000);
        return s.bool("BARGE_IN", false) ? Optional.of(Math.ceilDiv(millis, CHUNK_MILLIS)) : Optional.empty();
    }

    /** An enum's constants by name, in their order: the choices of a setting whose values are its names. */
    private static <E extends Enum<E>> Map<String, E> byName(E[] values) {
        Map<String, E> choices = new LinkedHashMap<>();
        for (E value : values) {
            choices.put(value.name(), value);
        }
        return choices;
    }

    /** {@code STT_MODE}, and where and how realtime speech-to-text is reached. */
    private static Realtime realtime(Settings s, URI base) {
        SttMode mode = s.oneOf("STT_MODE", SttMode.BATCH, byName(SttMode.values()));
        URI derived = URI.create((base.getScheme().equalsIgnoreCase("http") ? "ws" : "wss") + base.toString().substring(base.getScheme().length()));
        return new Realtime(mode, s.url("STT_REALTIME_URL", Set.of("ws", "wss")).orElse(derived),
                s.string("STT_REALTIME_MODEL", "scribe_v2_realtime"));
    }

    /** The silence that ends a turn: {@code SILENCE_CHUNKS_TRIGGER} frames, or {@code SILENCE_MS}, not both. */
    private static int silenceFrames(Settings s) {
        if (s.optional("SILENCE_MS").isPresent()) {
            if (s.optional("SILENCE_CHUNKS_TRIGGER").isPresent()) {
                throw new ConfigException("set SILENCE_CHUNKS_TRIGGER or SILENCE_MS, not both");
            }
            int millis = s.integer("SILENCE_MS", 0, CHUNK_MILLIS, 60_000);
            return Math.ceilDiv(millis, CHUNK_MILLIS);
        }
        return s.integer("SILENCE_CHUNKS_TRIGGER", 140, 1, 3_000);
    }
}
