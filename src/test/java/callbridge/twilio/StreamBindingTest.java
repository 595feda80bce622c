package callbridge.twilio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The token that binds a media stream's URL to its call: made from the CallSid and a secret, checked exactly. */
class StreamBindingTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef";
    private static final String CALL = "CA0123456789abcdef0123456789abcdef";
    private static final String OTHER_CALL = "CAfedcba9876543210fedcba9876543210";
    private static final StreamBinding BINDING = StreamBinding.withSecret(SECRET);

    @Test
    void path_carriesTheCallSidAndAUrlSafeToken() {
        String path = BINDING.path(CALL);
        assertTrue(path.matches("/media/" + CALL + "/[A-Za-z0-9_-]{43}"), path); // 32 bytes of HMAC-SHA256 in base64url
    }

    @Test
    void boundCallSid_ofItsOwnPath_isTheCall() {
        assertEquals(Optional.of(CALL), BINDING.boundCallSid(BINDING.path(CALL)));
    }

    @Test
    void sameSecret_sameToken_soAnotherInstanceOrARestartAcceptsIt() {
        assertEquals(Optional.of(CALL), StreamBinding.withSecret(SECRET).boundCallSid(BINDING.path(CALL)));
    }

    @Test
    void anotherSecret_refusesTheToken() {
        assertEquals(Optional.empty(), StreamBinding.withSecret(SECRET.toUpperCase()).boundCallSid(BINDING.path(CALL)));
        assertEquals(Optional.empty(), StreamBinding.withRandomSecret().boundCallSid(BINDING.path(CALL)));
    }

    @Test
    void tokens_differPerCall() {
        assertNotEquals(token(BINDING.path(CALL)), token(BINDING.path(OTHER_CALL)));
    }

    @Test
    void anotherCallsToken_isRefused() {
        String path = "/media/" + CALL + "/" + token(BINDING.path(OTHER_CALL));
        assertEquals(Optional.empty(), BINDING.boundCallSid(path));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {
            "/media",
            "/media/",
            "/media/" + CALL,
            "/media/" + CALL + "/",
            "/media/" + CALL + "/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "/media/CA0001/x",
            "/other/" + CALL + "/x",
    })
    void pathsWithoutAValidToken_areRefused(String path) {
        assertEquals(Optional.empty(), BINDING.boundCallSid(path));
    }

    @Test
    void validToken_withAnythingAfterIt_isRefused() {
        assertEquals(Optional.empty(), BINDING.boundCallSid(BINDING.path(CALL) + "/x"));
        assertEquals(Optional.empty(), BINDING.boundCallSid(BINDING.path(CALL) + "x"));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "CA0001", "AC0123456789abcdef0123456789abcdef", "CA0123456789abcdef0123456789abcdeg", "../x"})
    void path_ofSomethingThatIsNoCallSid_isRefused(String notACallSid) {
        assertThrows(IllegalArgumentException.class, () -> BINDING.path(notACallSid));
    }

    @Test
    void withSecret_shorterThan32Bytes_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> StreamBinding.withSecret("x".repeat(31)));
    }

    private static String token(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
