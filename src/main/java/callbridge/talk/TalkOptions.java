package callbridge.talk;

import callbridge.config.Flags;
import callbridge.config.UsageException;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What one {@code talk} run was asked to do: the flags over their settings (environment, {@code .env}),
 * each checked here so a mistake is reported before anything is dialled, naming the flag and its setting.
 *
 * @param publicUrl   where Twilio fetches the call's instructions: {@code <publicUrl>/twilio-voice}; not used by a
 *                    local call, whose carrier reaches the server where talk does
 * @param server      a running callbridge to talk through; empty: {@code talk} starts its own
 * @param localAgent  the agent's voice webhook, called through the local carrier instead of Twilio
 * @param maxTurns    user lines at most
 * @param turnTimeout    how long each {@code /generate} waits for the agent
 * @param requestTimeout how long each {@code /generate} request may take in all
 * @param talkTimeout    the call's idle limit, sent as {@code talk_timeout}
 * @param parallel    test conversations at once
 * @param pace        how the user times its lines: reply gaps, interruptions
 */
public record TalkOptions(String to, String from, URI publicUrl, Optional<URI> server, Optional<URI> localAgent, boolean record,
                          UserSource source, boolean userFirst, int maxTurns, Duration turnTimeout,
                          Duration requestTimeout, Duration talkTimeout, int parallel, Optional<Path> report,
                          HumanPace pace) {
    /** A reply gap longer than this is no longer a pause but a silence that agents answer with "are you there?". */
    static final long MAX_REPLY_GAP_MS = 10_000;
    static final int DEFAULT_MAX_TURNS = 12;
    /** What a local call tells both webhooks when no number is given: numbers kept for fiction (555-01xx). */
    static final String LOCAL_TO = "+12025550100";
    static final String LOCAL_FROM = "+12025550101";
    static final int DEFAULT_TURN_TIMEOUT_SECONDS = 30;
    static final int DEFAULT_TALK_TIMEOUT_SECONDS = 50;
    /** Added to the turn timeout for the whole request, so the server's own 204 arrives first. */
    static final Duration NETWORK_MARGIN = Duration.ofSeconds(15);

    /** True when only {@code --help} was asked for. */
    static boolean wantsHelp(List<String> args) {
        return args.contains(TalkFlag.HELP.flag()) || args.contains("-h");
    }

    /**
     * Reads {@code args} over the prototype's config file ({@code --config}), over {@code settings}.
     *
     * @param warn hears of what is odd but harmless, such as an unknown key in the config file
     * @throws UsageException naming the first flag that is unknown, missing or malformed
     */
    public static TalkOptions parse(List<String> args, Map<String, String> settings, Consumer<String> warn)
            throws UsageException {
        Map<TalkFlag, String> values = new EnumMap<>(TalkFlag.class);
        for (TalkFlag flag : TalkFlag.values()) {
            flag.setting().map(settings::get).map(String::strip).filter(v -> !v.isEmpty())
                    .ifPresent(value -> values.put(flag, value));
        }
        Map<TalkFlag, String> flags = readArguments(args);
        Optional<String> config = Optional.ofNullable(flags.get(TalkFlag.CONFIG)).or(() -> Optional.ofNullable(values.get(TalkFlag.CONFIG)));
        if (config.isPresent()) {
            values.putAll(PrototypeConfig.read(Path.of(config.get()), warn));
        }
        values.putAll(flags);
        return fromValues(new FlagValues(values));
    }

    private static Map<TalkFlag, String> readArguments(List<String> args) throws UsageException {
        Set<String> switches = new HashSet<>();
        Set<String> withValue = new HashSet<>();
        for (TalkFlag flag : TalkFlag.values()) {
            (flag.isSwitch() ? switches : withValue).add(flag.flag());
        }
        Map<TalkFlag, String> values = new EnumMap<>(TalkFlag.class);
        Flags.read(args, withValue, switches).forEach((name, value) -> values.put(TalkFlag.byFlag(name).orElseThrow(), value));
        return values;
    }

    private static TalkOptions fromValues(FlagValues v) throws UsageException {
        // Who to call first: a wrong number is the mistake a user most needs to hear about.
        Optional<URI> localAgent = v.url(TalkFlag.LOCAL_AGENT);
        boolean local = localAgent.isPresent();
        String to = local && v.optional(TalkFlag.TO).isEmpty() ? LOCAL_TO : v.phoneNumber(TalkFlag.TO);
        String from = local && v.optional(TalkFlag.FROM).isEmpty() ? LOCAL_FROM : v.phoneNumber(TalkFlag.FROM);
        Optional<URI> server = v.url(TalkFlag.SERVER);
        // A local call reaches the server on loopback: Twilio's public address is not needed, nor used.
        Optional<URI> publicUrl = local ? Optional.of(server.orElse(URI.create("http://127.0.0.1")))
                : v.url(TalkFlag.PUBLIC_URL).or(() -> server);
        if (publicUrl.isEmpty()) {
            throw new UsageException(TalkFlag.PUBLIC_URL.describe()
                    + " is required: the https:// address Twilio reaches the server at (for example your ngrok URL)");
        }
        if (local && v.bool(TalkFlag.RECORD)) {
            // Refused, not ignored: a user who asked for a recording must not find none afterwards.
            throw new UsageException(TalkFlag.RECORD.describe() + " does not go with --local-agent: it asks Twilio to"
                    + " record the call, and the local carrier records nothing (the server's own recordings are kept)");
        }
        Duration turnTimeout = v.seconds(TalkFlag.TURN_TIMEOUT, Duration.ofSeconds(DEFAULT_TURN_TIMEOUT_SECONDS), 1, 600);
        return new TalkOptions(to, from, publicUrl.get(), server, localAgent,
                v.bool(TalkFlag.RECORD), source(v), v.bool(TalkFlag.USER_FIRST),
                v.integer(TalkFlag.MAX_TURNS, DEFAULT_MAX_TURNS, 1, 1_000),
                turnTimeout, v.seconds(TalkFlag.REQUEST_TIMEOUT, turnTimeout.plus(NETWORK_MARGIN), 1, 900),
                v.seconds(TalkFlag.TALK_TIMEOUT, Duration.ofSeconds(DEFAULT_TALK_TIMEOUT_SECONDS), 1, 86_400),
                v.integer(TalkFlag.PARALLEL, 1, 1, 100),
                v.optional(TalkFlag.REPORT).map(Path::of), pace(v));
    }

    private static HumanPace pace(FlagValues v) throws UsageException {
        HumanPace pace = new HumanPace(v.millisRange(TalkFlag.REPLY_GAP, HumanPace.DEFAULT_REPLY_GAP, MAX_REPLY_GAP_MS),
                v.probability(TalkFlag.INTERRUPT_PROBABILITY),
                v.millisRange(TalkFlag.INTERRUPT_AFTER, HumanPace.DEFAULT_INTERRUPT_AFTER, GenerateClient.MAX_CUT_IN.toMillis()),
                v.seed(TalkFlag.SEED));
        if (pace.interruptProbability() > 0 && v.optional(TalkFlag.GALTEA_VERSION).isPresent()) {
            // Galtea writes each agent answer on the turn of the line it answers; a line said before the
            // answer to the one before it was heard would have its turn written with the wrong answer.
            throw new UsageException(TalkFlag.INTERRUPT_PROBABILITY.describe() + " works with --script and --persona, not with Galtea's "
                    + "simulator, which needs each answer before it writes the next line");
        }
        return pace;
    }

    private static UserSource source(FlagValues v) throws UsageException {
        List<TalkFlag> given = new ArrayList<>();
        for (TalkFlag flag : List.of(TalkFlag.SCRIPT, TalkFlag.PERSONA, TalkFlag.GALTEA_VERSION)) {
            if (v.optional(flag).isPresent()) {
                given.add(flag);
            }
        }
        if (given.size() != 1) {
            throw new UsageException("say where the user's lines come from with exactly one of --script FILE, "
                    + "--persona FILE or --galtea-version ID" + (given.isEmpty() ? "" : " (got " + flagNames(given) + ")"));
        }
        return switch (given.get(0)) {
            case SCRIPT -> new UserSource.Script(Path.of(v.required(TalkFlag.SCRIPT)));
            case PERSONA -> new UserSource.Persona(Path.of(v.required(TalkFlag.PERSONA)));
            default -> galtea(v);
        };
    }

    private static UserSource galtea(FlagValues v) throws UsageException {
        Optional<String> test = v.optional(TalkFlag.GALTEA_TEST);
        Optional<String> testCase = v.optional(TalkFlag.GALTEA_TEST_CASE);
        if (test.isPresent() == testCase.isPresent()) {
            throw new UsageException("--galtea-version needs exactly one of --galtea-test ID or --galtea-test-case ID");
        }
        List<Integer> positions = v.positions(TalkFlag.GALTEA_CASES);
        if (!positions.isEmpty() && test.isEmpty()) {
            throw new UsageException("--galtea-cases selects test cases of --galtea-test; it does not go with --galtea-test-case");
        }
        return new UserSource.Galtea(v.required(TalkFlag.GALTEA_VERSION), test, positions, testCase);
    }

    private static String flagNames(List<TalkFlag> flags) {
        return String.join(", ", flags.stream().map(TalkFlag::flag).toList());
    }
}
