package callbridge.logging;

/**
 * Client-chosen text made safe for one log line: a CR LF inside a value must not start a forged line,
 * and a 64 KiB value must not become a 64 KiB line.
 */
public final class LogText {
    /** Enough to recognize a value; the rest is counted, not printed. */
    static final int MAX_CHARS = 120;

    private LogText() {
    }

    /** {@code value} in double quotes, control characters escaped as {@code \n} or {@code \u0001}, cut at {@link #MAX_CHARS}. */
    public static String quote(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), MAX_CHARS) + 8).append('"');
        int shown = Math.min(value.length(), MAX_CHARS);
        for (int i = 0; i < shown; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
        if (value.length() > shown) {
            out.append("... (").append(value.length()).append(" chars)");
        }
        return out.toString();
    }
}
