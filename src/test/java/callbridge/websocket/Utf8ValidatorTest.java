package callbridge.websocket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * UTF-8 well-formedness as RFC 3629 section 4 defines it (RFC 6455 8.1 fails a connection with 1007 on
 * anything else), checked whole, split at every byte, and against the JDK's own strict decoder.
 */
class Utf8ValidatorTest {
    /** Each row: what it is, the bytes, whether they are well-formed UTF-8. */
    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            empty                               |                         | true
            ASCII                               | 48 65 6c 6c 6f          | true
            NUL and DEL                         | 00 7f                   | true
            kosme (Autobahn 6.2)                | ce ba e1 bd b9 cf 83 ce bc ce b5 | true
            U+0080, first 2-byte                | c2 80                   | true
            U+07FF, last 2-byte                 | df bf                   | true
            U+0800, first 3-byte                | e0 a0 80                | true
            U+D7FF, below the surrogates        | ed 9f bf                | true
            U+E000, above the surrogates        | ee 80 80                | true
            U+FFFD, replacement character       | ef bf bd                | true
            U+FFFF, a noncharacter but valid    | ef bf bf                | true
            U+10000, first 4-byte               | f0 90 80 80             | true
            U+1F600, an emoji                   | f0 9f 98 80             | true
            U+10FFFF, last code point           | f4 8f bf bf             | true
            # overlong forms
            overlong NUL in 2 bytes             | c0 80                   | false
            overlong U+007F in 2 bytes          | c1 bf                   | false
            overlong U+07FF in 3 bytes          | e0 9f bf                | false
            overlong NUL in 3 bytes             | e0 80 80                | false
            overlong U+FFFF in 4 bytes          | f0 8f bf bf             | false
            overlong NUL in 4 bytes             | f0 80 80 80             | false
            overlong slash in 5 bytes           | f8 80 80 80 af          | false
            # UTF-16 surrogates are not characters
            U+D800, first high surrogate        | ed a0 80                | false
            U+DBFF, last high surrogate         | ed af bf                | false
            U+DC00, first low surrogate         | ed b0 80                | false
            U+DFFF, last low surrogate          | ed bf bf                | false
            surrogate pair in CESU-8            | ed a0 bd ed b8 80       | false
            # past U+10FFFF
            U+110000                            | f4 90 80 80             | false
            lead byte F5                        | f5 80 80 80             | false
            lead byte F7                        | f7 bf bf bf             | false
            lead byte FE                        | fe                      | false
            lead byte FF                        | ff                      | false
            # continuation bytes out of place
            lone continuation 80                | 80                      | false
            lone continuation BF                | bf                      | false
            continuation after ASCII            | 41 80                   | false
            2-byte lead then ASCII              | c2 41                   | false
            3-byte lead then a new lead         | e1 c2 80                | false
            4-byte lead, continuation too high  | f1 80 c0 80             | false
            # truncated at the end of the input
            2-byte cut after 1                  | c2                      | false
            3-byte cut after 1                  | e2                      | false
            3-byte cut after 2                  | e2 82                   | false
            4-byte cut after 3                  | f0 9f 98                | false
            text then a cut 4-byte              | 48 69 f0 9f             | false
            """)
    void isValid_table(String description, String hex, boolean valid) {
        byte[] bytes = hex == null ? new byte[0] : Hex.bytes(hex);
        assertEquals(valid, Utf8Validator.isValid(bytes), description);
    }

    /** The same table fed in two chunks cut at every position, and one byte at a time: same verdict. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            kosme                  | ce ba e1 bd b9 cf 83 ce bc ce b5 | true
            every length           | 41 c2 80 e0 a0 80 f0 90 80 80 f4 8f bf bf | true
            surrogate              | 41 ed a0 80 41          | false
            overlong               | 41 e0 9f bf 41          | false
            above U+10FFFF         | 41 f4 90 80 80          | false
            truncated              | 41 f0 9f 98             | false
            """)
    void accept_splitAtEveryByte_givesTheSameVerdict(String description, String hex, boolean valid) {
        byte[] bytes = Hex.bytes(hex);
        for (int cut = 0; cut <= bytes.length; cut++) {
            Utf8Validator validator = new Utf8Validator();
            boolean ok = validator.accept(Arrays.copyOfRange(bytes, 0, cut))
                    && validator.accept(Arrays.copyOfRange(bytes, cut, bytes.length))
                    && validator.isComplete();
            assertEquals(valid, ok, description + " cut at " + cut);
        }
        Utf8Validator validator = new Utf8Validator();
        boolean ok = true;
        for (byte b : bytes) {
            ok = ok && validator.accept(new byte[] {b});
        }
        assertEquals(valid, ok && validator.isComplete(), description + " one byte at a time");
    }

    /** An error is reported in the chunk that holds the bad byte, so a fragment can be failed early. */
    @Test
    void accept_badByte_failsInItsOwnChunk() {
        Utf8Validator validator = new Utf8Validator();
        assertTrue(validator.accept(Hex.bytes("48 65 ed")));
        assertFalse(validator.isComplete(), "inside a sequence");
        assertFalse(validator.accept(Hex.bytes("a0 80")), "ED A0 starts a surrogate");
    }

    /**
     * Random sequences drawn mostly from bytes at the edges of the UTF-8 ranges: the validator agrees with
     * the JDK's decoder, which rejects overlongs, surrogates and values past U+10FFFF too.
     */
    @Test
    void isValid_agreesWithTheJdkDecoder() {
        int[] interesting = {0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf,
                0xe0, 0xe1, 0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xff};
        Random random = new Random(6455);
        int valid = 0;
        for (int i = 0; i < 50_000; i++) {
            byte[] bytes = new byte[1 + random.nextInt(6)];
            for (int j = 0; j < bytes.length; j++) {
                bytes[j] = (byte) (random.nextInt(4) == 0 ? random.nextInt(256) : interesting[random.nextInt(interesting.length)]);
            }
            boolean expected = jdkAccepts(bytes);
            valid += expected ? 1 : 0;
            assertEquals(expected, Utf8Validator.isValid(bytes), () -> Hex.of(bytes));
        }
        assertTrue(valid > 1000, "the sample holds enough valid sequences to mean something: " + valid);
    }

    private static boolean jdkAccepts(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
