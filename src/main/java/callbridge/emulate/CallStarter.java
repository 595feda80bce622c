package callbridge.emulate;

import callbridge.twilio.StreamInstruction;
import callbridge.twilio.TwilioMessages;
import callbridge.twilio.TwilioSignature;
import callbridge.websocket.ClientConnection;
import callbridge.websocket.WebSocketClient;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Starts one call the way Twilio does: POST the voice webhook with Twilio's form fields, read the TwiML
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
        Map<String, String> headers = new LinkedHashMap<>();
        options.signing().ifPresent(token -> headers.put(TwilioSignature.HEADER, TwilioSignature.sign(token, stream.url(), Map.of())));
        URI server = options.server();
        int port = server.getPort() > 0 ? server.getPort() : 80;
        String target = named.getRawPath() == null || named.getRawPath().isEmpty() ? "/" : named.getRawPath();
        ClientConnection connection = WebSocketClient.connect(new InetSocketAddress(server.getHost(), port),
                server.getRawAuthority(), target, headers, TIMEOUT);
        try {
            connection.sendText(TwilioMessages.connected());
            connection.sendText(TwilioMessages.start(1, ids.streamSid(), ids.callSid(), ids.accountSid(), stream.parameters()));
        } catch (IOException e) {
            connection.abort();
            throw e;
        }
        return new Started(connection, System.nanoTime());
    }

    /** An open, started stream; {@code startNanos} is when {@code start} went out. */
    record Started(ClientConnection connection, long startNanos) {
    }

    private StreamInstruction webhook(CallIds ids) throws IOException, InterruptedException {
        Map<String, String> form = form(ids);
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        URI server = options.server();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.getScheme() + "://" + server.getRawAuthority()
                        + EmulateOptions.WEBHOOK_PATH))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        options.signing().ifPresent(token -> request.header(TwilioSignature.HEADER,
                TwilioSignature.sign(token, options.webhookUrl().toString(), form)));
        HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IOException("the webhook answered " + answer.statusCode() + ": " + answer.body().strip());
        }
        try {
            return StreamInstruction.parse(answer.body());
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** The fields Twilio posts for an inbound call (https://www.twilio.com/docs/voice/twiml#request-parameters). */
    private Map<String, String> form(CallIds ids) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("CallSid", ids.callSid());
        form.put("AccountSid", ids.accountSid());
        form.put("From", options.from());
        form.put("To", options.to());
        form.put("Caller", options.from());
        form.put("Called", options.to());
        form.put("CallStatus", "ringing");
        form.put("Direction", "inbound");
        form.put("ApiVersion", "2010-04-01");
        return form;
    }
}
