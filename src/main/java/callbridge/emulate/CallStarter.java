package callbridge.emulate;

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
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Starts one call the way Twilio does ({@link CallArrival}): POST the voice webhook with Twilio's form fields, read the TwiML
 * answer, open the WebSocket it names and send {@code connected} and {@code start}. The stream URL is taken
 * from the TwiML as it is; only its scheme, host and port are replaced by the server's address (the TwiML
 * names the public host, which may be a tunnel), and a query string is dropped, as Twilio drops it.
 */
final class CallStarter {
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final EmulateOptions options;
    private final HttpClient http;

    CallStarter(EmulateOptions options, HttpClient http) {
        this.options = options;
        this.http = http;
    }

    /** The stream is open and started when this returns; the caller sends its frames. */
    Started start(CallIds ids) throws IOException, InterruptedException {
        StreamInstruction stream = webhook(ids);
        URI named = URI.create(stream.url());
        if (!"wss".equals(named.getScheme()) && !"ws".equals(named.getScheme())) {
            throw new IOException("the TwiML's stream URL is not ws:// or wss://: " + stream.url());
        }
        URI server = options.server();
        int port = server.getPort() > 0 ? server.getPort() : 80;
        ClientConnection connection = CallArrival.openStream(new InetSocketAddress(server.getHost(), port),
                server.getRawAuthority(), stream, ids, options.signing(), TIMEOUT);
        return new Started(connection, System.nanoTime());
    }

    /** An open, started stream; {@code startNanos} is when {@code start} went out. */
    record Started(ClientConnection connection, long startNanos) {
    }

    private StreamInstruction webhook(CallIds ids) throws IOException, InterruptedException {
        URI server = options.server();
        HttpRequest request = CallArrival.webhookRequest(URI.create(server.getScheme() + "://" + server.getRawAuthority()
                + EmulateOptions.WEBHOOK_PATH), options.webhookUrl(), CallArrival.form(ids, options.from(), options.to(), true),
                options.signing(), TIMEOUT);
        HttpResponse<InputStream> answer = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        byte[] bytes = CallArrival.readAnswer(answer);
        String body = new String(bytes, 0, Math.min(bytes.length, CallArrival.MAX_TWIML_BYTES), StandardCharsets.UTF_8);
        if (answer.statusCode() != 200) {
            throw new IOException("the webhook answered " + answer.statusCode() + ": " + body.strip());
        }
        if (bytes.length > CallArrival.MAX_TWIML_BYTES) {
            throw new IOException("the webhook answered more than TwiML's 64 KB");
        }
        try {
            return StreamInstruction.parse(body);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
