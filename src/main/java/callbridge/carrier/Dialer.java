package callbridge.carrier;

import callbridge.twilio.CallArrival;
import callbridge.twilio.CallIds;
import callbridge.twilio.StreamInstruction;
import callbridge.websocket.ClientConnection;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Connects one party the way Twilio does when a call reaches it: POST its voice webhook with Twilio's form
 * fields (signed when an auth token is given), read the TwiML, open the {@code <Connect><Stream>} it names
 * and send {@code connected} and {@code start} with the {@code <Parameter>}s. Only a media stream can be
 * followed here: a {@code <Hangup/>} or {@code <Reject>} first is the party hanging up at once, and any other
 * verb before the stream ({@code <Say>}, {@code <Play>}, {@code <Pause>}...) is refused by name. Every way this
 * fails is an {@link IOException} that says what the party did.
 */
final class Dialer {
    /** Twilio waits 15 s for a webhook; the upgrade gets as long. */
    static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final HttpClient http;
    private final Optional<String> authToken;
    private final Duration timeout;

    Dialer(HttpClient http, Optional<String> authToken, Duration timeout) {
        this.http = http;
        this.authToken = authToken;
        this.timeout = timeout;
    }

    /**
     * @param name    how failures name the party: "the agent", "callbridge"
     * @param inbound true for the party the call reaches (Direction {@code inbound}, status ringing); false for
     *                the one that placed it through the API ({@code outbound-api}, answered)
     */
    Party dial(String name, URI webhook, CallIds ids, String from, String to, boolean inbound)
            throws IOException, InterruptedException {
        StreamInstruction stream = follow(name, webhook, post(name, webhook, CallArrival.form(ids, from, to, inbound)));
        ClientConnection connection = connect(name, webhook, stream, ids);
        return new Party(name, ids, connection, System.nanoTime());
    }

    private String post(String name, URI webhook, Map<String, String> form) throws IOException, InterruptedException {
        HttpRequest request = CallArrival.webhookRequest(webhook, webhook, form, authToken, timeout);
        HttpResponse<InputStream> answer;
        byte[] bytes;
        try {
            answer = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw new IOException(name + "'s webhook " + webhook + " did not answer within " + timeout.toSeconds() + " s", e);
        } catch (IOException e) {
            throw new IOException(name + "'s webhook " + webhook + " cannot be reached: " + e, e);
        }
        bytes = CallArrival.readAnswer(answer);
        String body = new String(bytes, StandardCharsets.UTF_8);
        if (answer.statusCode() != 200) {
            throw new IOException(name + "'s webhook " + webhook + " answered HTTP " + answer.statusCode() + ": "
                    + shortened(body));
        }
        if (bytes.length > CallArrival.MAX_TWIML_BYTES) {
            throw new IOException(name + "'s webhook answered more than TwiML's 64 KB");
        }
        return body;
    }

    /** The stream the TwiML connects, or why there is none to follow. */
    private static StreamInstruction follow(String name, URI webhook, String twiml) throws IOException {
        List<String> verbs;
        try {
            verbs = StreamInstruction.verbs(twiml);
        } catch (IllegalArgumentException e) {
            throw new IOException(name + "'s webhook " + webhook + " did not answer TwiML (" + e.getMessage() + "): "
                    + shortened(twiml), e);
        }
        String first = verbs.isEmpty() ? "" : verbs.get(0);
        switch (first) {
            case "Connect" -> {
                try {
                    return StreamInstruction.parse(twiml);
                } catch (IllegalArgumentException e) {
                    throw new IOException(name + "'s TwiML has a <Connect> without a <Stream url>: " + shortened(twiml), e);
                }
            }
            case "Hangup" -> throw new IOException(name + " hung up at once: its TwiML begins with <Hangup/>");
            case "Reject" -> throw new IOException(name + " rejected the call: its TwiML begins with <Reject>");
            case "" -> throw new IOException(name + "'s TwiML is an empty <Response>: Twilio would hang up at once");
            default -> throw new IOException(name + "'s TwiML begins with <" + first + ">, which the local carrier does not"
                    + " play: it connects media streams only, so answer with <Connect><Stream url=\"ws://...\">");
        }
    }

    /**
     * Opens the stream where the TwiML says. There is no TLS here: a {@code wss://} URL on the webhook's own
     * host (what an agent writes for Twilio, building it from the request's Host) is opened in plain
     * WebSocket on the webhook's port, as the webhook itself was reached; any other {@code wss://} is refused.
     */
    private ClientConnection connect(String name, URI webhook, StreamInstruction stream, CallIds ids) throws IOException {
        URI named = URI.create(stream.url());
        String scheme = String.valueOf(named.getScheme());
        InetSocketAddress address;
        if (scheme.equals("ws")) {
            address = new InetSocketAddress(named.getHost(), named.getPort() > 0 ? named.getPort() : 80);
        } else if (scheme.equals("wss") && "http".equals(webhook.getScheme()) && webhook.getHost().equalsIgnoreCase(named.getHost())) {
            address = new InetSocketAddress(webhook.getHost(), webhook.getPort() > 0 ? webhook.getPort() : 80);
        } else {
            throw new IOException(name + "'s stream URL " + stream.url() + " is not ws:// (nor wss:// on the webhook's own"
                    + " host): the local carrier speaks no TLS");
        }
        String host = address.getHostString() + ":" + address.getPort();
        try {
            return CallArrival.openStream(address, host, stream, ids, authToken, timeout);
        } catch (IOException e) {
            throw new IOException(name + "'s media stream " + stream.url() + " did not open: " + e.getMessage(), e);
        }
    }

    private static String shortened(String text) {
        String line = text.strip().replaceAll("\\s+", " ");
        return line.length() <= 200 ? line : line.substring(0, 200) + "...";
    }
}
