package callbridge.twilio;

import callbridge.websocket.ClientConnection;
import callbridge.websocket.WebSocketClient;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A call reaching a server as Twilio delivers it, for those who play Twilio ({@code emulate}, the local
 * carrier): the voice webhook's form POST, signed, and the opening of the media stream its TwiML names, with
 * {@code connected} and {@code start}. Where to send each (a tunnel's public host, a loopback port) and how
 * failures are told are the caller's; the fields, the signature and the order of messages are Twilio's,
 * written once here.
 */
public final class CallArrival {
    /** A TwiML answer larger than this is not one (Twilio's own limit is 64 KB); no more of it is read. */
    public static final int MAX_TWIML_BYTES = 64 * 1024;
    private CallArrival() {
    }

    /**
     * A webhook's answer body, read to one byte past {@link #MAX_TWIML_BYTES} at most: a server cannot make
     * those who play Twilio hold more. Longer than the limit when the server sent more.
     */
    public static byte[] readAnswer(HttpResponse<InputStream> answer) throws IOException {
        try (InputStream in = answer.body()) {
            return in.readNBytes(MAX_TWIML_BYTES + 1);
        }
    }

    /**
     * The fields Twilio posts (https://www.twilio.com/docs/voice/twiml#request-parameters).
     *
     * @param inbound true for a call that reaches the server's number ({@code Direction=inbound}, ringing);
     *                false for one placed through the API, answered ({@code outbound-api}, in progress)
     */
    public static Map<String, String> form(CallIds ids, String from, String to, boolean inbound) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("CallSid", ids.callSid());
        form.put("AccountSid", ids.accountSid());
        form.put("From", from);
        form.put("To", to);
        form.put("Caller", from);
        form.put("Called", to);
        form.put("CallStatus", inbound ? "ringing" : "in-progress");
        form.put("Direction", inbound ? "inbound" : "outbound-api");
        form.put("ApiVersion", "2010-04-01");
        return form;
    }

    /**
     * The webhook's POST of {@code form} to {@code postTo}, signed with {@code authToken} (when given) over
     * {@code signedUrl}: the URL the server was configured with, which a tunnel may front.
     */
    public static HttpRequest webhookRequest(URI postTo, URI signedUrl, Map<String, String> form, Optional<String> authToken,
                                             Duration timeout) {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder request = HttpRequest.newBuilder(postTo).timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        authToken.ifPresent(token -> request.header(TwilioSignature.HEADER, TwilioSignature.sign(token, signedUrl.toString(), form)));
        return request.build();
    }

    /**
     * Opens {@code stream} at {@code address} and starts it: the upgrade signed over the TwiML's URL exactly as
     * written, the path as written (Twilio drops a query string), then {@code connected} and {@code start} with
     * the {@code <Parameter>}s. The connection is open and started when this returns, closed when it throws.
     *
     * @param host the upgrade's {@code Host} header
     */
    public static ClientConnection openStream(InetSocketAddress address, String host, StreamInstruction stream, CallIds ids,
                                              Optional<String> authToken, Duration timeout) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        authToken.ifPresent(token -> headers.put(TwilioSignature.HEADER, TwilioSignature.sign(token, stream.url(), Map.of())));
        URI named = URI.create(stream.url());
        String target = named.getRawPath() == null || named.getRawPath().isEmpty() ? "/" : named.getRawPath();
        ClientConnection connection = WebSocketClient.connect(address, host, target, headers, timeout);
        try {
            connection.sendText(TwilioMessages.connected());
            connection.sendText(TwilioMessages.start(1, ids.streamSid(), ids.callSid(), ids.accountSid(), stream.parameters()));
        } catch (IOException e) {
            connection.abort();
            throw new IOException("the stream closed as it started: " + e.getMessage(), e);
        }
        return connection;
    }
}
