package callbridge.testing;

import callbridge.twilio.CallArrival;
import callbridge.twilio.CallIds;
import callbridge.twilio.StreamInstruction;
import callbridge.twilio.TwilioPaths;
import callbridge.twilio.TwilioSignature;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * How Twilio sets up a call's media stream, for tests: it POSTs the voice webhook (signed, as Twilio signs
 * it), reads the {@code <Stream url>} and its {@code <Parameter>}s from the TwiML, drops any query string
 * from that URL (Twilio does: https://www.twilio.com/docs/voice/twiml/stream), and connects a
 * {@link FakeTwilioCall} there, signing the upgrade over that exact URL. Like ngrok, it reaches the server
 * on a loopback port whatever public host the TwiML names.
 *
 * @param port      the server's loopback port
 * @param publicUrl the server's {@code PUBLIC_URL}, when it has one: the host Twilio would sign for
 * @param authToken the account's auth token, to sign with
 */
public record TwilioDialer(int port, Optional<URI> publicUrl, String authToken) {
    public static final String WEBHOOK_PATH = TwilioPaths.VOICE_WEBHOOK;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A server reached directly on loopback, with the stand-in account's token. */
    public static TwilioDialer loopback(int port) {
        return new TwilioDialer(port, Optional.empty(), FakeTwilioRest.AUTH_TOKEN);
    }

    /** The webhook's {@code <Stream>}: its URL as Twilio uses it (no query string) and its parameters. */
    public record Stream(String url, Map<String, String> parameters) {
    }

    /** A new call, its stream connected and started as Twilio would. */
    public FakeTwilioCall call() throws IOException {
        return call(FakeTwilioCall.newCallSid());
    }

    /** The call {@code callSid} (again, when Twilio reconnects its stream), connected and started. */
    public FakeTwilioCall call(String callSid) throws IOException {
        return connect(callSid, webhook(callSid));
    }

    /** Connects the call's media stream where the webhook said, signing the upgrade, and starts it. */
    public FakeTwilioCall connect(String callSid, Stream stream) throws IOException {
        return FakeTwilioCall.connect(local(stream.url()), callSid, FakeTwilioCall.newStreamSid(), stream.parameters(),
                Map.of(TwilioSignature.HEADER, TwilioSignature.sign(authToken, stream.url(), Map.of())));
    }

    /** Asks the voice webhook about an inbound call {@code callSid}; fails unless it answers with a stream. */
    public Stream webhook(String callSid) throws IOException {
        return webhook(CallArrival.form(new CallIds(callSid, FakeTwilioCall.newStreamSid(), FakeTwilioCall.ACCOUNT_SID),
                "+15005550001", "+15005550002", true));
    }

    /** POSTs the voice webhook with Twilio's {@code form} fields, signed; fails unless it answers with a stream. */
    public Stream webhook(Map<String, String> form) throws IOException {
        URI signedUrl = URI.create(publicUrl.map(URI::toString).orElse("http://127.0.0.1:" + port) + WEBHOOK_PATH);
        HttpRequest request = CallArrival.webhookRequest(URI.create("http://127.0.0.1:" + port + WEBHOOK_PATH), signedUrl, form,
                Optional.of(authToken), Duration.ofSeconds(10));
        HttpResponse<String> response;
        try {
            response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking the webhook", e);
        }
        if (response.statusCode() != 200) {
            throw new AssertionError("webhook answered " + response.statusCode() + ": " + response.body());
        }
        return streamOf(response.body());
    }

    /** Where a TwiML stream URL is on the loopback server: its path, less PUBLIC_URL's own path. */
    public URI local(String streamUrl) {
        String path = URI.create(streamUrl).getRawPath();
        String basePath = publicUrl.map(URI::getRawPath).orElse("");
        return URI.create("ws://127.0.0.1:" + port + path.substring(path.startsWith(basePath) ? basePath.length() : 0));
    }

    /** The {@code <Stream>} of a TwiML answer, read as {@code emulate} reads it, its URL without query string as Twilio uses it. */
    public static Stream streamOf(String twiml) {
        StreamInstruction stream;
        try {
            stream = StreamInstruction.parse(twiml);
        } catch (IllegalArgumentException e) {
            throw new AssertionError(e.getMessage(), e);
        }
        int query = stream.url().indexOf('?');
        return new Stream(query < 0 ? stream.url() : stream.url().substring(0, query), stream.parameters());
    }
}
