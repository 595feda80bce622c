package callbridge.twilio;

import callbridge.http.FormData;
import callbridge.server.HttpRoutes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A form field Twilio sends more than once is signed over each of its values, as Twilio's SDKs compute it
 * (twilio-python {@code compute_signature}, twilio-node {@code toFormUrlEncodedParam}): names sorted, and
 * for each name its distinct values sorted, every one as {@code name + value}. The expected strings here are
 * written out by hand; only their HMAC is left to {@link TwilioSignature#digest}.
 */
class RepeatedFieldSignatureTest {
    private static final String TOKEN = "test-auth-token";
    private static final String CALL_SID = "CA0123456789abcdef0123456789abcdef";
    private static final StreamBinding BINDING = StreamBinding.withSecret("a stream secret of 32 characters");

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "each name once             | b=2&a=1             | a1b2",
            "a name twice               | a=2&b=3&a=1         | a1a2b3",
            "a name twice, same value   | a=1&b=3&a=1         | a1b3",
            "three values, out of order | x=c&x=a&x=b         | xaxbxc",
            "empty values               | a=&a=z              | aaz",
    })
    void signedForm_eachValueOfARepeatedName_sortedAndDistinct(String name, String form, String signedParameters) {
        Map<String, String> folded = TwilioSignature.signedForm(FormData.parseAll(form));
        StringBuilder signed = new StringBuilder();
        folded.forEach((field, value) -> signed.append(field).append(value)); // as the Java SDK appends them
        assertEquals(signedParameters, signed.toString());
    }

    @Test
    void webhook_fieldSentTwice_signedOverBothValues_isAnswered() throws Exception {
        String form = "CallSid=" + CALL_SID + "&From=%2B34600111222&To=%2B34900333444&CallStatus=ringing"
                + "&StirVerstat=TN-Validation-Passed-A&StirVerstat=No-TN-Validation";
        try (HttpRoutes routes = start()) {
            String url = "http://127.0.0.1:" + routes.address().getPort() + "/twilio-voice";
            String signedText = url + "CallSid" + CALL_SID + "CallStatusringing" + "From+34600111222"
                    + "StirVerstatNo-TN-Validation" + "StirVerstatTN-Validation-Passed-A" + "To+34900333444";
            HttpResponse<String> answer = post(url, form, TwilioSignature.digest(TOKEN, signedText));
            assertEquals(200, answer.statusCode(), answer.body());
            assertTrue(answer.body().contains("<Stream url=\"ws://127.0.0.1:"), answer.body());
        }
    }

    @Test
    void webhook_fieldSentTwice_signedOverTheFirstValueOnly_isForbidden() throws Exception {
        String form = "CallSid=" + CALL_SID + "&CallStatus=ringing&CallStatus=in-progress";
        try (HttpRoutes routes = start()) {
            String url = "http://127.0.0.1:" + routes.address().getPort() + "/twilio-voice";
            String firstOnly = url + "CallSid" + CALL_SID + "CallStatusringing";
            assertEquals(403, post(url, form, TwilioSignature.digest(TOKEN, firstOnly)).statusCode());
        }
    }

    private static HttpRoutes start() throws java.io.IOException {
        SignatureCheck signatures = SignatureCheck.from(SignatureCheckTest.twilio(Optional.of(TOKEN), true));
        VoiceWebhook webhook = new VoiceWebhook(Optional.empty(), signatures, BINDING, callSid -> {
        }); // nobody here waits for the streams it announces
        return HttpRoutes.start(Map.of("/twilio-voice", webhook), () -> false, peer -> true, Map.of(),
                () -> true); // the handler asked directly, not through a front door, with no media streams to read
    }

    private static HttpResponse<String> post(String url, String form, String signature) throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(HttpRequest.newBuilder(URI.create(url))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header(TwilioSignature.HEADER, signature)
                    .timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
