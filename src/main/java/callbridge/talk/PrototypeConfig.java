package callbridge.talk;

import callbridge.config.UsageException;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The Python prototype simulator's {@code config.yaml}, read as {@code talk}'s flags ({@code talk --config
 * FILE}), so a test setup written for the prototype runs unchanged. Its keys, and the flags they stand for:
 * <pre>
 * remote_url        --public-url       where Twilio reaches the server: the call's webhook is remote_url/twilio-voice
 * base_url          --server           the callbridge server the turns go through (http://localhost:8001 if absent)
 * from_number       --from             to_number   --to
 * version_id        --galtea-version   test_id     --galtea-test
 * tests             --galtea-cases     positions in the test's list: [1, 2, 3] or "1,2,3"
 * asycio_timeout    --turn-timeout     (sic) seconds each /generate waits for the agent
 * request_timeout   --request-timeout  seconds each /generate request may take in all
 * talk_timeout      --talk-timeout     max_turns   --max-turns
 * agent_goes_first  --user-first, negated
 * </pre>
 * The prototype ran its server apart from its simulator, so a config file means a server already running:
 * at {@code base_url}, or where the prototype looked by default. An unknown key is a warning (the file may
 * carry settings of other tools); a value of the wrong kind is an error naming its key.
 */
final class PrototypeConfig {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** Where the prototype's simulator found its server when {@code base_url} was not set. */
    static final String DEFAULT_BASE_URL = "http://localhost:8001";
    /** Keys whose value is a number of seconds, or a count. */
    private static final Set<String> NUMBERS = Set.of("asycio_timeout", "request_timeout", "talk_timeout", "max_turns");
    private static final Map<String, TalkFlag> KEYS = Map.ofEntries(
            Map.entry("remote_url", TalkFlag.PUBLIC_URL),
            Map.entry("base_url", TalkFlag.SERVER),
            Map.entry("from_number", TalkFlag.FROM),
            Map.entry("to_number", TalkFlag.TO),
            Map.entry("version_id", TalkFlag.GALTEA_VERSION),
            Map.entry("test_id", TalkFlag.GALTEA_TEST),
            Map.entry("tests", TalkFlag.GALTEA_CASES),
            Map.entry("asycio_timeout", TalkFlag.TURN_TIMEOUT),
            Map.entry("request_timeout", TalkFlag.REQUEST_TIMEOUT),
            Map.entry("talk_timeout", TalkFlag.TALK_TIMEOUT),
            Map.entry("max_turns", TalkFlag.MAX_TURNS),
            Map.entry("agent_goes_first", TalkFlag.USER_FIRST));

    private PrototypeConfig() {
    }

    /** The flags the file sets; {@code warn} hears of keys that mean nothing to {@code talk}. */
    static Map<TalkFlag, String> read(Path file, Consumer<String> warn) throws UsageException {
        String text = InputFile.CONFIG.read(file);
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JacksonException e) {
            throw new UsageException("the config file " + file + " is not valid YAML: " + e.getOriginalMessage(), e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return Map.of();
        }
        if (!root.isObject()) {
            throw new UsageException("the config file " + file + " must be a mapping of keys to values, such as to_number: '+34...'");
        }
        Map<TalkFlag, String> flags = new EnumMap<>(TalkFlag.class);
        flags.put(TalkFlag.SERVER, DEFAULT_BASE_URL);
        for (Map.Entry<String, JsonNode> entry : root.properties()) {
            TalkFlag flag = KEYS.get(entry.getKey());
            if (flag == null) {
                warn.accept(file + ": unknown key '" + entry.getKey() + "' ignored");
            } else if (!entry.getValue().isNull()) {
                flags.put(flag, value(file, entry.getKey(), flag, entry.getValue()));
            }
        }
        return flags;
    }

    private static String value(Path file, String key, TalkFlag flag, JsonNode value) throws UsageException {
        return switch (flag) {
            case USER_FIRST -> {
                if (!value.isBoolean()) {
                    throw new UsageException(file + ": agent_goes_first must be true or false, got " + value);
                }
                yield Boolean.toString(!value.asBoolean());
            }
            case GALTEA_CASES -> value.isArray() ? positions(file, value) : scalar(file, key, value);
            default -> {
                if (NUMBERS.contains(key) && !(value.isNumber() || value.isTextual() && value.asText().matches("[0-9.]+"))
                        || key.equals("max_turns") && value.isNumber() && !value.isIntegralNumber()) {
                    throw new UsageException(file + ": " + key + " must be a " + (key.equals("max_turns") ? "whole number" : "number of seconds")
                            + ", got " + value);
                }
                yield scalar(file, key, value);
            }
        };
    }

    private static String positions(Path file, JsonNode list) throws UsageException {
        List<String> positions = new ArrayList<>();
        for (JsonNode item : list) {
            if (!item.canConvertToInt() || !item.isIntegralNumber()) {
                throw new UsageException(file + ": tests must list test case positions (whole numbers), got " + list);
            }
            positions.add(Integer.toString(item.asInt()));
        }
        return String.join(",", positions);
    }

    private static String scalar(Path file, String key, JsonNode value) throws UsageException {
        if (!value.isValueNode()) {
            throw new UsageException(file + ": " + key + " must be a single value, got " + value);
        }
        return value.asText();
    }
}
