package callbridge.talk;

import callbridge.config.Secret;
import callbridge.config.UsageException;
import callbridge.twilio.OutboundCalls;
import callbridge.twilio.TwilioPaths;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code talk}: places calls to a voice agent under test and plays the user's side, turn by turn, through a
 * callbridge server's {@code GET /generate}, as any other driver would. {@link #prepare} checks everything
 * that can be checked before anything is dialled; {@link #run} then runs the conversations, prints each turn
 * as it happens and a summary, writes the report, and says how it went as an exit code.
 */
public final class Talk {
    /** The webhook path of a callbridge server, which Twilio fetches the call's instructions from. */
    private static final String VOICE_WEBHOOK_PATH = TwilioPaths.VOICE_WEBHOOK;

    /** Exit codes of {@code talk}. */
    public enum Exit {
        /** Every conversation ran to its end. */
        FINISHED(0),
        /** At least one conversation did not (hung up, not answered, timeout, error). */
        NOT_FINISHED(1),
        /** Bad flags or settings: nothing was dialled. */
        USAGE(2),
        /** SIGINT/SIGTERM: 128 + SIGINT, as shells report it. */
        INTERRUPTED(130);

        public final int code;

        Exit(int code) {
            this.code = code;
        }
    }

    private final TalkOptions options;
    private final List<UserSides.Plan> plans;
    private final HttpClient http;

    private Talk(TalkOptions options, List<UserSides.Plan> plans, HttpClient http) {
        this.options = options;
        this.plans = plans;
        this.http = http;
    }

    /**
     * Reads the user side's files and checks its services (the LLM, Galtea) before any call is placed.
     *
     * @throws UsageException saying what to fix
     */
    public static Talk prepare(TalkOptions options, Map<String, String> settings, HttpClient http)
            throws UsageException, InterruptedException {
        if (options.report().isPresent()) {
            TalkReport.checkWritable(options.report().get());
        }
        if (options.localAgent().isEmpty()) {
            checkTwilioCanReach(options.publicUrl(), settings);
        }
        List<UserSides.Plan> plans = UserSides.prepare(options.source(), settings, http, options.maxTurns());
        if (options.localAgent().isEmpty() && plans.stream().anyMatch(UserSides.Plan::pressesKeys)) {
            throw new UsageException("the script presses keys ([dtmf ...] lines), which only --local-agent can carry: Twilio's "
                    + "API cannot send keys into a call's <Connect><Stream> without ending the agent's media stream");
        }
        return new Talk(options, plans, http);
    }

    /**
     * Runs every conversation against the callbridge server at {@code server}, placing calls with {@code calls}.
     * Returns when all have ended; {@code stopRequested} (SIGINT/SIGTERM) ends them early, each call completed.
     */
    public Exit run(URI server, Secret apiKey, OutboundCalls calls, PrintStream out, CountDownLatch stopRequested, Clock clock)
            throws InterruptedException {
        Instant startedAt = clock.instant();
        TalkConsole console = new TalkConsole(out, plans.size() > 1);
        GenerateClient generate = new GenerateClient(http, server, apiKey, options.turnTimeout(), options.requestTimeout(),
                options.talkTimeout());
        // A local call's carrier reaches the server where talk does; Twilio reaches it at its public address.
        URI webhookBase = options.localAgent().isPresent() ? server : options.publicUrl();
        AgentCall.Setup setup = new AgentCall.Setup(options.to(), options.from(),
                URI.create(webhookBase + VOICE_WEBHOOK_PATH), options.record(), options.userFirst(),
                options.maxTurns(), calls, generate, console, clock, options.pace());
        options.localAgent().ifPresent(agent -> console.plain("-- local call: no Twilio; the local carrier calls the agent at " + agent));
        List<ConversationLog> logs = TalkRun.run(plans, options.parallel(), setup, stopRequested);
        console.plain("");
        logs.forEach(console::summary);
        boolean reported = options.report().map(file -> writeReport(file, carrier(TalkReport.of(startedAt, clock.instant(), logs)),
                console)).orElse(true);
        Exit exit = exit(logs, stopRequested.getCount() == 0, console);
        return exit == Exit.FINISHED && !reported ? Exit.NOT_FINISHED : exit;
    }

    /** Says in the report whether the calls went through Twilio or the local carrier, to which agent. */
    private ObjectNode carrier(ObjectNode report) {
        report.put("carrier", options.localAgent().isPresent() ? "local" : "twilio");
        options.localAgent().ifPresent(agent -> report.put("local_agent", agent.toString()));
        return report;
    }

    /** True when the report was written (or none was asked for). */
    private static boolean writeReport(Path file, ObjectNode report, TalkConsole console) {
        try {
            TalkReport.write(file, report);
            console.plain("report written to " + file);
            return true;
        } catch (IOException e) {
            console.plain("talk: the report could not be written to " + file + ": " + Failures.describe(e));
            return false;
        }
    }

    private static Exit exit(List<ConversationLog> logs, boolean interrupted, TalkConsole console) {
        long unfinished = logs.stream().filter(log -> !TalkReport.finished(log)).count();
        if (interrupted) {
            console.plain("talk: interrupted; every call placed was hung up");
            return Exit.INTERRUPTED;
        }
        if (unfinished == 0) {
            return Exit.FINISHED;
        }
        ConversationLog first = logs.stream().filter(log -> !TalkReport.finished(log)).findFirst().orElseThrow();
        console.plain("talk: " + unfinished + " of " + logs.size() + " conversation(s) did not run to their end; "
                + first.label() + ": " + first.ending().map(e -> e.outcome().wireName() + ": " + e.detail()).orElse("not run"));
        return Exit.NOT_FINISHED;
    }

    /** Checks a server already running ({@code --server}) before any call is placed: see {@link GenerateClient#checkServer}. */
    public static void checkServer(HttpClient http, URI server, Secret apiKey) throws UsageException, InterruptedException {
        GenerateClient.checkServer(http, server, apiKey);
    }

    /** Twilio, out on the internet, cannot fetch a webhook from this machine's loopback address. */
    private static void checkTwilioCanReach(URI publicUrl, Map<String, String> settings) throws UsageException {
        String twilio = settings.getOrDefault("TWILIO_API_BASE_URL", "").strip();
        boolean realTwilio = twilio.isEmpty() || twilio.contains("api.twilio.com");
        String host = publicUrl.getHost().toLowerCase(Locale.ROOT);
        boolean loopback = host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]");
        if (realTwilio && loopback) {
            throw new UsageException("Twilio cannot reach " + publicUrl + " on this machine's loopback: set --public-url "
                    + "(PUBLIC_URL) to the https:// address of your tunnel or load balancer, such as ngrok's");
        }
    }

    /** {@code talk --help}. */
    public static String help() {
        StringBuilder text = new StringBuilder("""
                usage: java -jar callbridge.jar talk (--to NUMBER --from NUMBER | --local-agent URL) (--script FILE | --persona FILE |
                       --galtea-version ID (--galtea-test ID [--galtea-cases LIST] | --galtea-test-case ID)) [flags]

                Places a call to a voice agent and plays the user's side, turn by turn, through a callbridge server
                (started in this process on PORT unless --server is given). Every flag can also be set in the
                environment or .env under the name in brackets. Also read: TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN,
                TWILIO_API_BASE_URL, API_KEY; LLM_BASE_URL, LLM_MODEL, LLM_API_KEY (--persona); GALTEA_API_KEY,
                GALTEA_API_URL (Galtea).

                """);
        for (TalkFlag flag : TalkFlag.values()) {
            text.append(flag.helpLine()).append('\n');
        }
        text.append("""

                Exit code: 0 when every conversation ran to its end, 1 when one did not, 2 for bad flags or settings
                (nothing dialled), 130 when interrupted (every call placed is hung up).""");
        return text.toString();
    }

    /** True when {@code args} ask for the help text. */
    public static boolean wantsHelp(List<String> args) {
        return TalkOptions.wantsHelp(args);
    }
}
