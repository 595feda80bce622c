package callbridge.websocket;

/**
 * Checks UTF-8 a chunk at a time, so a text message split across frames is judged as a whole and a bad
 * byte is caught in the frame that carries it (RFC 6455 8.1: invalid UTF-8 fails the connection with 1007).
 * Well-formed sequences are those of RFC 3629 section 4: no overlong forms, no surrogates, nothing above
 * U+10FFFF. The second byte of a sequence has a narrower range for a few lead bytes; every later
 * continuation byte is 80-BF.
 */
final class Utf8Validator {
    private int continuationBytesLeft;
    private int nextLow = 0x80;
    private int nextHigh = 0xBF;

    /** Feeds bytes; false as soon as they cannot be part of well-formed UTF-8. */
    boolean accept(byte[] bytes) {
        for (byte signed : bytes) {
            int b = signed & 0xFF;
            if (continuationBytesLeft == 0) {
                if (!startSequence(b)) {
                    return false;
                }
            } else {
                if (b < nextLow || b > nextHigh) {
                    return false;
                }
                continuationBytesLeft--;
                nextLow = 0x80;
                nextHigh = 0xBF;
            }
        }
        return true;
    }

    /** True when the bytes so far end on a character boundary (call at the end of a message). */
    boolean isComplete() {
        return continuationBytesLeft == 0;
    }

    /** One-shot check of a whole byte sequence. */
    static boolean isValid(byte[] bytes) {
        Utf8Validator validator = new Utf8Validator();
        return validator.accept(bytes) && validator.isComplete();
    }

    private boolean startSequence(int lead) {
        if (lead <= 0x7F) {
            return true;
        }
        if (lead >= 0xC2 && lead <= 0xDF) {
            return expect(1, 0x80, 0xBF);
        }
        return switch (lead) {
            case 0xE0 -> expect(2, 0xA0, 0xBF); // no overlong 3-byte forms
            case 0xED -> expect(2, 0x80, 0x9F); // no UTF-16 surrogates D800-DFFF
            case 0xF0 -> expect(3, 0x90, 0xBF); // no overlong 4-byte forms
            case 0xF4 -> expect(3, 0x80, 0x8F); // nothing above U+10FFFF
            default -> {
                if ((lead >= 0xE1 && lead <= 0xEC) || lead == 0xEE || lead == 0xEF) {
                    yield expect(2, 0x80, 0xBF);
                }
                if (lead >= 0xF1 && lead <= 0xF3) {
                    yield expect(3, 0x80, 0xBF);
                }
                yield false; // 80-C1 and F5-FF never lead a sequence
            }
        };
    }

    private boolean expect(int continuationBytes, int low, int high) {
        continuationBytesLeft = continuationBytes;
        nextLow = low;
        nextHigh = high;
        return true;
    }
}
