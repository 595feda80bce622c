package callbridge.websocket;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;

/** Byte vectors written the way RFC 6455 prints them ({@code "81 05 48 65 6c 6c 6f"}), and back for messages. */
final class Hex {
    private static final HexFormat SPACED = HexFormat.ofDelimiter(" ");

    private Hex() {
    }

    /** Parses hex digits; whitespace between them is ignored. */
    static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replaceAll("\\s", ""));
    }

    /** Formats bytes as spaced lower-case hex, cut after 64 bytes so a failing 64 KiB frame stays readable. */
    static String of(byte[] bytes) {
        if (bytes.length <= 64) {
            return SPACED.formatHex(bytes);
        }
        return SPACED.formatHex(bytes, 0, 64) + " ... (" + bytes.length + " bytes)";
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
