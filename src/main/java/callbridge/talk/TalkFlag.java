package callbridge.talk;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every flag of {@code talk}, with the setting that gives it a value from the environment or {@code .env}
 * (a flag on the command line wins). Settings are {@code TALK_} and the flag's name, save two that the
 * server already reads with the same meaning: {@code PUBLIC_URL} and {@code TALK_TIMEOUT}.
 */
enum TalkFlag {
    TO("to", "TALK_TO", "NUMBER", "the number to call, in E.164 form (+34910000000)"),
    FROM("from", "TALK_FROM", "NUMBER", "your Twilio number to call from, in E.164 form"),
    PUBLIC_URL("public-url", "PUBLIC_URL", "URL", "the https:// URL Twilio reaches the server at (ngrok...)"),
    LOCAL_AGENT("local-agent", "TALK_LOCAL_AGENT", "URL", "call the agent whose voice webhook is URL on this machine, without Twilio (a local carrier)"),
    SERVER("server", "TALK_SERVER", "URL", "use a callbridge server already running at URL (with API_KEY) instead of starting one"),
    RECORD("record", "TALK_RECORD", null, "ask Twilio to record the call"),
    SCRIPT("script", "TALK_SCRIPT", "FILE", "the user's lines: one a turn; blank lines and # comments skipped"),
    PERSONA("persona", "TALK_PERSONA", "FILE", "an LLM plays the user described in FILE (LLM_BASE_URL, LLM_MODEL, LLM_API_KEY)"),
    GALTEA_VERSION("galtea-version", "TALK_GALTEA_VERSION", "ID", "Galtea's simulator plays the user, for this product version (GALTEA_API_KEY)"),
    GALTEA_TEST("galtea-test", "TALK_GALTEA_TEST", "ID", "run every test case of this Galtea test, one call each"),
    GALTEA_CASES("galtea-cases", "TALK_GALTEA_CASES", "LIST", "only these test cases of --galtea-test: positions in its list, from 0 (6,7,8)"),
    GALTEA_TEST_CASE("galtea-test-case", "TALK_GALTEA_TEST_CASE", "ID", "run this one Galtea test case"),
    USER_FIRST("user-first", "TALK_USER_FIRST", null, "the user speaks first (by default the agent under test greets first)"),
    MAX_TURNS("max-turns", "TALK_MAX_TURNS", "N", "stop after N user lines (default 12)"),
    TURN_TIMEOUT("turn-timeout", "TALK_TURN_TIMEOUT", "SECONDS", "wait this long for each answer of the agent (default 30)"),
    REQUEST_TIMEOUT("request-timeout", "TALK_REQUEST_TIMEOUT", "SECONDS", "each /generate request may take this long in all (default: turn timeout + 15)"),
    TALK_TIMEOUT("talk-timeout", "TALK_TIMEOUT", "SECONDS", "the call is hung up after this long without speech (default 50)"),
    PARALLEL("parallel", "TALK_PARALLEL", "N", "run up to N test conversations at once, each its own call (default 1)"),
    REPLY_GAP("reply-gap", "TALK_REPLY_GAP", "MIN-MAX", "reply a random MIN-MAX ms after the agent stops, as a person would (default 300-700; 0: at once)"),
    INTERRUPT_PROBABILITY("interrupt-probability", "TALK_INTERRUPT_PROBABILITY", "P", "cut into the agent's answer to a line with probability P, 0-1 (default 0; not with Galtea)"),
    INTERRUPT_AFTER("interrupt-after", "TALK_INTERRUPT_AFTER", "MIN-MAX", "cut in a random MIN-MAX ms into the agent's answer (default 500-1500)"),
    SEED("seed", "TALK_SEED", "N", "seed the random gaps and interruptions, so a run can be repeated"),
    REPORT("report", "TALK_REPORT", "FILE", "write the whole run as JSON to FILE"),
    CONFIG("config", "TALK_CONFIG", "FILE", "read the Python prototype's config.yaml; flags override it"),
    HELP("help", null, null, "print this help");

    private final String name;
    private final String setting;
    private final String valueName;
    private final String help;

    TalkFlag(String name, String setting, String valueName, String help) {
        this.name = name;
        this.setting = setting;
        this.valueName = valueName;
        this.help = help;
    }

    /** {@code --name}. */
    String flag() {
        return "--" + name;
    }

    /** The environment / {@code .env} name, if the flag has one. */
    Optional<String> setting() {
        return Optional.ofNullable(setting);
    }

    /** True for a switch ({@code --record}); false for a flag that takes a value ({@code --to NUMBER}). */
    boolean isSwitch() {
        return valueName == null;
    }

    /** How the user names this flag in an error: the flag, and the setting that can also give it. */
    String describe() {
        return setting == null ? flag() : flag() + " (" + setting + ")";
    }

    static Optional<TalkFlag> byFlag(String flag) {
        return Arrays.stream(values()).filter(f -> f.flag().equals(flag)).findFirst();
    }

    /** The flag's line in {@code talk --help}. */
    String helpLine() {
        String left = flag() + (isSwitch() ? "" : " " + valueName);
        String env = setting == null ? "" : "  [" + setting + "]";
        return String.format("  %-26s %s%s", left, help, env);
    }
}
