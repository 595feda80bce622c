package callbridge.logging;

/**
 * A client-chosen value made safe to put in a log line. The log is one line per event, so a value holding
 * CR or LF could forge lines of its own ("...\n2026-01-01 INFO callbridge: call ended"), and a value of
 * any length would let one request write as much log as it sent. {@link #quote} writes the value in
 * double quotes, with every control character, quote and backslash escaped, and cut at
 * {@link #MAX_CHARS} characters, saying how many were left out.
 */
public final class LogText {
    /** More than any phone number, CallSid, status or header a real client sends; enough to recognise junk. */
    public static final int MAX_CHARS = 200;

    private LogText() {
    }

    /**
     * {@code "value"}, escaped: {@code \r \n \t \" \\} as such, other C0 and C1 controls, DEL and the Unicode
     * line and paragraph separators as {@code \}{@code uXXXX}; past {@link #MAX_CHARS} characters
     * {@code ..."(+N chars)}. {@code null} is written as {@code null}, unquoted.
     */
    public static String quote(String value) {
        if (value == null) {
            return "null";
        }
        int shown = Math.min(value.length(), MAX_CHARS);
        if (shown < value.length() && Character.isHighSurrogate(value.charAt(shown - 1))) {
            shown--; // never cut a character in half
        }
        StringBuilder out = new StringBuilder(shown + 2).append('"');
        for (int i = 0; i < shown; i++) {
            appendEscaped(out, value.charAt(i));
        }
        out.append('"');
        if (shown < value.length()) {
            out.append("...(+").append(value.length() - shown).append(" chars)");
        }
        return out.toString();
    }

    private static void appendEscaped(StringBuilder out, char c) {
        switch (c) {
            case '\r' -> out.append("\\r");
            case '\n' -> out.append("\\n");
            case '\t' -> out.append("\\t");
            case '"' -> out.append("\\\"");
            case '\\' -> out.append("\\\\");
            default -> {
                if (isControl(c)) {
                    out.append(String.format("\\u%04X", (int) c));
                } else {
                    out.append(c);
                }
            }
        }
    }

    /**
     * C0 and C1 controls and DEL (a terminal acts on some, such as ESC), and U+2028/U+2029, which some log
     * viewers break lines at.
     */
    private static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == '\u2028' || c == '\u2029';
    }
}
