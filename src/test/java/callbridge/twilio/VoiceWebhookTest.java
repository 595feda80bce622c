package callbridge.twilio;

import callbridge.http.FormData;
import callbridge.server.HttpRoutes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The form parser on its own, then the webhook behind the real loopback {@link HttpRoutes}. */
class VoiceWebhookTest {
    private static final String TOKEN = "test-auth-token";
    private static final String CALL_SID = "CA0123456789abcdef0123456789abcdef";
    private static final StreamBinding BINDING = StreamBinding.withSecret("a stream secret of 32 characters");
    /** The path of the call's stream URL: {@code /media/{CallSid}/{token}}. */
    private static final String STREAM_PATH = BINDING.path(CALL_SID);
    private static final String FORM = "CallSid=" + CALL_SID + "&AccountSid=AC0001&From=%2B34600111222&To=%2B34900333444"
            + "&CallStatus=ringing&Direction=outbound-api";
    private static final Map<String, String> FIELDS = FormData.parse(FORM);
    private static final Map<String, String> STREAM_PARAMETERS = orderedMap(
            "From", "+34600111222", "To", "+34900333444", "Direction", "outbound-api");

    static Stream<Arguments> forms() {
        return Stream.of(
                Arguments.of("a=1&b=x+y", Map.of("a", "1", "b", "x y")),
                Arguments.of("To=%2B34600111222&From=%2b1", Map.of("To", "+34600111222", "From", "+1")),
                Arguments.of("name=%C3%B1and%C3%BA", Map.of("name", "ñandú")),
                Arguments.of("a+b=c%26d&e=%3D%25", Map.of("a b", "c&d", "e", "=%")),
                Arguments.of("%41=%42", Map.of("A", "B")),
                Arguments.of("a=b=c", Map.of("a", "b=c")),
                Arguments.of("a=1&a=2&A=3", Map.of("a", "1", "A", "3")),   // the first value of a name wins
                Arguments.of("a=&b&=c", Map.of("a", "", "b", "", "", "c")),
                Arguments.of("&&a=1&", Map.of("a", "1")),
                Arguments.of("", Map.of()));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @MethodSource("forms")
    void parseForm_decodesNamesAndValues(String encoded, Map<String, String> fields) {
        assertEquals(fields, FormData.parse(encoded));
    }

    @Test
    void parseForm_keepsTheOrderFieldsCameIn() {
        assertEquals(List.of("z", "a", "m"), List.copyOf(FormData.parse("z=1&a=2&m=3").keySet()));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"a=%G1", "a=%", "a=%4", "%zz=1"})
    void parseForm_brokenPercentEscape_isRejected(String encoded) {
        assertThrows(IllegalArgumentException.class, () -> FormData.parse(encoded));
    }

    @Test
    void post_signedForm_answersTwiMLStreamingToTheHostAsked() throws Exception {
        try (HttpRoutes routes = start(Optional.empty(), true)) {
            String base = "http://127.0.0.1:" + routes.address().getPort();
            HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(base + "/twilio-voice?v=1"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header(TwilioSignature.HEADER, TwilioSignature.sign(TOKEN, base + "/twilio-voice?v=1", FIELDS))
                    .POST(HttpRequest.BodyPublishers.ofString(FORM)));
            assertEquals(200, response.statusCode(), response.body());
            assertEquals("application/xml; charset=utf-8", response.headers().firstValue("Content-Type").orElse(""));
            assertEquals(TwiML.connectStream("ws://127.0.0.1:" + routes.address().getPort() + STREAM_PATH, STREAM_PARAMETERS),
                    response.body());
        }
    }

    @Test
    void post_behindNgrok_signsAndStreamsOverTheForwardedAddress() throws Exception {
        try (HttpRoutes routes = start(Optional.empty(), true)) {
            HttpResponse<String> response = send(post(routes, FORM)
                    .header("X-Forwarded-Proto", "https")
                    .header("X-Forwarded-Host", "abc.ngrok.app")
                    .header(TwilioSignature.HEADER, TwilioSignature.sign(TOKEN, "https://abc.ngrok.app/twilio-voice", FIELDS)));
            assertEquals(200, response.statusCode(), response.body());
            assertEquals(TwiML.connectStream("wss://abc.ngrok.app" + STREAM_PATH, STREAM_PARAMETERS), response.body());
        }
    }

    @Test
    void post_withPublicUrl_signsAndStreamsOverIt() throws Exception {
        try (HttpRoutes routes = start(Optional.of(URI.create("https://calls.example.com/bridge")), true)) {
            HttpResponse<String> response = send(post(routes, FORM)
                    .header("X-Forwarded-Host", "ignored.example")
                    .header(TwilioSignature.HEADER,
                            TwilioSignature.sign(TOKEN, "https://calls.example.com/bridge/twilio-voice", FIELDS)));
            assertEquals(200, response.statusCode(), response.body());
            assertEquals(TwiML.connectStream("wss://calls.example.com/bridge" + STREAM_PATH, STREAM_PARAMETERS), response.body());
        }
    }

    @Test
    void post_badSignature_isForbidden() throws Exception {
        try (HttpRoutes routes = start(Optional.empty(), true)) {
            String wrongUrl = "https://127.0.0.1:" + routes.address().getPort() + "/twilio-voice";
            HttpResponse<String> response = send(post(routes, FORM)
                    .header(TwilioSignature.HEADER, TwilioSignature.sign(TOKEN, wrongUrl, FIELDS)));
            assertEquals(403, response.statusCode());
            assertEquals("{\"error\":\"invalid Twilio signature\"}", response.body());
        }
    }

    @Test
    void post_noSignature_isForbiddenWhileChecking() throws Exception {
        try (HttpRoutes routes = start(Optional.empty(), true)) {
            assertEquals(403, send(post(routes, FORM)).statusCode());
        }
    }

    @Test
    void get_withCheckOff_takesStreamParametersFromTheQuery() throws Exception {
        try (HttpRoutes routes = start(Optional.empty(), false)) {
            int port = routes.address().getPort();
            HttpResponse<String> response = send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/twilio-voice?CallSid=" + CALL_SID + "&From=%2B1&To=%2B2&Ignored=x")).GET());
            assertEquals(200, response.statusCode(), response.body());
            assertEquals(TwiML.connectStream("ws://127.0.0.1:" + port + STREAM_PATH, orderedMap("From", "+1", "To", "+2")),
                    response.body());
        }
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"From=%2B1", "CallSid=", "CallSid=CA0001", "CallSid=CA0123456789abcdef0123456789abcdef%2F..%2Fx"})
    void post_withoutACallSid_isBadRequest_forThereIsNoCallToBindAStreamTo(String form) throws Exception {
        try (HttpRoutes routes = start(Optional.empty(), false)) {
            HttpResponse<String> response = send(post(routes, form));
            assertEquals(400, response.statusCode(), response.body());
            assertTrue(response.body().contains("CallSid"), response.body());
        }
    }

    /** Each value passed on to the stream is bounded, so the stream's start always fits its own bound. */
    @ParameterizedTest(name = "{0} of {1} characters")
    @org.junit.jupiter.params.provider.CsvSource({"From, 1001", "To, 1001", "Direction, 1001"})
    void post_forwardedFieldTooLong_isBadRequest_naming(String field, int length) throws Exception {
        try (HttpRoutes routes = start(Optional.empty(), false)) {
            HttpResponse<String> response = send(post(routes, "CallSid=" + CALL_SID + "&" + field + "=" + "1".repeat(length)));
            assertEquals(400, response.statusCode(), response.body());
            assertTrue(response.body().contains(field + " longer than " + VoiceWebhook.MAX_FORWARDED_CHARS), response.body());
        }
    }

    @Test
    void post_forwardedFieldsAtTheirBound_areStreamedAndFitTheStartsBound() throws Exception {
        String longest = "1".repeat(VoiceWebhook.MAX_FORWARDED_CHARS);
        try (HttpRoutes routes = start(Optional.empty(), false)) {
            HttpResponse<String> response = send(post(routes, "CallSid=" + CALL_SID + "&From=" + longest + "&To=" + longest
                    + "&Direction=" + longest));
            assertEquals(200, response.statusCode(), response.body());
        }
        assertTrue(3 * (VoiceWebhook.MAX_FORWARDED_CHARS + "Direction".length()) <= MediaStreamCodec.MAX_PARAMETER_CHARS);
    }

    @Test
    void streamUrl_hasNoQueryString_becauseTwilioDropsIt() throws Exception {
        try (HttpRoutes routes = start(Optional.empty(), false)) {
            String body = send(post(routes, FORM)).body();
            String url = body.substring(body.indexOf("url=\"") + 5, body.indexOf('"', body.indexOf("url=\"") + 5));
            assertFalse(url.contains("?"), url);
            assertEquals(Optional.of(CALL_SID), BINDING.boundCallSid(URI.create(url).getRawPath()));
        }
    }

    @Test
    void put_isNotAllowed() throws Exception {
        try (HttpRoutes routes = start(Optional.empty(), false)) {
            HttpResponse<String> response = send(HttpRequest.newBuilder(uri(routes))
                    .PUT(HttpRequest.BodyPublishers.ofString(FORM)));
            assertEquals(405, response.statusCode());
            assertEquals("GET, POST", response.headers().firstValue("Allow").orElse(""));
        }
    }

    @Test
    void post_brokenForm_isBadRequest() throws Exception {
        try (HttpRoutes routes = start(Optional.empty(), false)) {
            HttpResponse<String> response = send(post(routes, "CallSid=%ZZ"));
            assertEquals(400, response.statusCode());
            assertTrue(response.body().contains("malformed form body"), response.body());
        }
    }

    @Test
    void post_formOverSixtyFourKibibytes_isTooLarge() throws Exception {
        try (HttpRoutes routes = start(Optional.empty(), false)) {
            assertEquals(413, send(post(routes, "a=" + "x".repeat(64 * 1024))).statusCode());
        }
    }

    @Test
    void post_hostHeaderThatIsNoHost_isBadRequest() throws Exception {
        // java.net.http will not send a Host header of our choosing: write the request by hand.
        try (HttpRoutes routes = start(Optional.empty(), false);
             Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", routes.address().getPort()), 5_000);
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /twilio-voice HTTP/1.1\r\nHost: bad host\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                    + "Content-Length: 9\r\nConnection: close\r\n\r\nCallSid=1").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
            assertTrue(answer.contains("unusable host"), answer);
        }
    }

    private static HttpRoutes start(Optional<URI> publicUrl, boolean checkSignatures) throws IOException {
        SignatureCheck signatures = SignatureCheck.from(SignatureCheckTest.twilio(Optional.of(TOKEN), checkSignatures));
        VoiceWebhook webhook = new VoiceWebhook(publicUrl, signatures, BINDING, callSid -> {
        }); // nobody here waits for the streams it announces
        return HttpRoutes.start(Map.of("/twilio-voice", webhook), () -> false, peer -> true, Map.of(),
                () -> true); // the handler asked directly, not through a front door, with no media streams to read
    }

    private static URI uri(HttpRoutes routes) {
        return URI.create("http://127.0.0.1:" + routes.address().getPort() + "/twilio-voice");
    }

    private static HttpRequest.Builder post(HttpRoutes routes, String form) {
        return HttpRequest.newBuilder(uri(routes))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(request.timeout(java.time.Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    private static Map<String, String> orderedMap(String... namesAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            map.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return map;
    }
}
