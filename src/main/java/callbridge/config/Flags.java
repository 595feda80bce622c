package callbridge.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A command's flags as the user wrote them, for {@code talk} and {@code emulate}: {@code --name value} or
 * {@code --name=value}, and switches, which take no value ({@code --record} is {@code --record=true}). A
 * flag given twice keeps its last value. What each value means is the command's to read.
 */
public final class Flags {
    private Flags() {
    }

    /**
     * The value of each flag in {@code args}, by name ({@code --name}).
     *
     * @param withValue the flags that take a value
     * @param switches  the flags that take none
     * @throws UsageException for the first word that is no flag of these, or a flag whose value is missing
     */
    public static Map<String, String> read(List<String> args, Set<String> withValue, Set<String> switches)
            throws UsageException {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            int equals = arg.indexOf('=');
            String name = equals < 0 ? arg : arg.substring(0, equals);
            if (switches.contains(name)) {
                values.put(name, equals < 0 ? "true" : arg.substring(equals + 1));
            } else if (!withValue.contains(name)) {
                throw new UsageException((arg.startsWith("-") ? "unknown flag " : "unexpected argument ") + "'" + name + "'");
            } else if (equals >= 0) {
                values.put(name, arg.substring(equals + 1));
            } else if (i + 1 < args.size()) {
                values.put(name, args.get(++i));
            } else {
                throw new UsageException(name + " needs a value");
            }
        }
        return values;
    }
}
