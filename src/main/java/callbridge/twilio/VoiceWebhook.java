package callbridge.twilio;

import callbridge.call.CallSids;
import callbridge.http.FormData;
import callbridge.http.JsonAnswers;
import callbridge.json.Json;
import callbridge.logging.LogText;
import callbridge.logging.RateLimitedLog;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code POST /twilio-voice} (GET works too): Twilio asks what to do with a call, and we answer with
 * TwiML that streams the call's audio to {@code /media/{CallSid}/{token}}, a URL bound to this call
 * ({@link StreamBinding}): this is how the server learns of a call, and no stream can join a call it was
 * not handed out for. The caller and callee numbers and the direction go along as stream parameters, so
 * the session knows them when the stream starts.
 */
public final class VoiceWebhook implements HttpHandler {
    private static final System.Logger LOG = System.getLogger(VoiceWebhook.class.getName());
    private final RateLimitedLog refusals = RateLimitedLog.of(LOG, Level.WARNING);
    /** Twilio's webhook forms are a few hundred bytes; anything near this is not Twilio. */
    private static final int MAX_FORM_BYTES = 64 * 1024;
    /** Webhook fields passed on to the stream, under the same names. */
    private static final String[] FORWARDED_FIELDS = {"From", "To", "Direction"};
    /**
     * A forwarded field's value: a phone number, a client name or a SIP URI, which Twilio keeps well under
     * this. The stream's {@code start} refuses custom parameters over 4,000 characters in all
     * ({@link MediaStreamCodec#MAX_PARAMETER_CHARS}), so the three together always fit.
     */
    static final int MAX_FORWARDED_CHARS = 1_000;

    private final Optional<URI> publicUrl;
    private final SignatureCheck signatures;
    private final StreamBinding binding;
    private final Consumer<String> streamExpected;

    /** @param streamExpected hears the CallSid of each call answered with a stream URL: its stream should come soon */
    public VoiceWebhook(Optional<URI> publicUrl, SignatureCheck signatures, StreamBinding binding,
                        Consumer<String> streamExpected) {
        this.publicUrl = publicUrl;
        this.signatures = signatures;
        this.binding = binding;
        this.streamExpected = streamExpected;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        if (!method.equals("POST") && !method.equals("GET")) {
            exchange.getResponseHeaders().set("Allow", "GET, POST");
            JsonAnswers.send(exchange, 405, Json.object("error", "use POST (or GET)"));
            return;
        }
        Optional<Map<String, List<String>>> form;
        try {
            form = method.equals("POST") ? readForm(exchange.getRequestBody()) : Optional.of(Map.of());
        } catch (IllegalArgumentException e) {
            JsonAnswers.send(exchange, 400, Json.object("error", "malformed form body: " + e.getMessage()));
            return;
        }
        if (form.isEmpty()) {
            JsonAnswers.send(exchange, 413, Json.object("error", "form body too large"));
            return;
        }
        PublicAddress address;
        try {
            address = PublicAddress.of(publicUrl, name -> Optional.ofNullable(exchange.getRequestHeaders().getFirst(name)));
        } catch (IllegalArgumentException e) {
            // A Host header that cannot be part of a URL is the client's mistake: 400, not 500.
            JsonAnswers.send(exchange, 400, Json.object("error", e.getMessage()));
            return;
        }
        String rawQuery = exchange.getRequestURI().getRawQuery();
        Optional<String> problem = signatures.webhookProblem(address,
                exchange.getRequestURI().getRawPath() + (rawQuery == null ? "" : "?" + rawQuery), form.get(),
                Optional.ofNullable(exchange.getRequestHeaders().getFirst(TwilioSignature.HEADER)));
        if (problem.isPresent()) {
            // The problem names the URL, built from the request's Host: quoted, so no header can forge a log line.
            refusals.log("webhook refused (403): {0}", LogText.quote(problem.get()));
            JsonAnswers.send(exchange, 403, Json.object("error", "invalid Twilio signature"));
            return;
        }
        connect(exchange, address, FormData.firstValues(form.get()), rawQuery);
    }

    /** Answers a webhook that passed its checks with TwiML streaming the call to its own stream URL. */
    private void connect(HttpExchange exchange, PublicAddress address, Map<String, String> form, String rawQuery)
            throws IOException {
        Map<String, String> fields = new LinkedHashMap<>(form);
        if (rawQuery != null) {
            try {
                FormData.parse(rawQuery).forEach(fields::putIfAbsent);
            } catch (IllegalArgumentException e) {
                JsonAnswers.send(exchange, 400, Json.object("error", "malformed query: " + e.getMessage()));
                return;
            }
        }
        String callSid = fields.getOrDefault("CallSid", "");
        if (!CallSids.isCallSid(callSid)) {
            // Twilio always sends it; without it there is no call to bind a stream to.
            JsonAnswers.send(exchange, 400, Json.object("error", "CallSid missing or not a Twilio CallSid (CA and 32 hex digits)"));
            return;
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String field : FORWARDED_FIELDS) {
            String value = fields.get(field);
            if (value != null && value.length() > MAX_FORWARDED_CHARS) {
                JsonAnswers.send(exchange, 400, Json.object("error", field + " longer than " + MAX_FORWARDED_CHARS + " characters"));
                return;
            }
            if (value != null) {
                parameters.put(field, value);
            }
        }
        // The token stays out of the log: whoever reads it could otherwise open the call's stream.
        // The CallSid is checked above; the status and the host are the client's words, so they are quoted.
        LOG.log(Level.INFO, "call {0}: webhook ({1}), streaming to {2}", callSid,
                LogText.quote(fields.getOrDefault("CallStatus", "?")),
                LogText.quote(address.webSocket(TwilioPaths.MEDIA + "/" + callSid + "/...")));
        String streamUrl = address.webSocket(binding.path(callSid));
        byte[] twiml = TwiML.connectStream(streamUrl, parameters).getBytes(StandardCharsets.UTF_8);
        streamExpected.accept(callSid);
        exchange.getResponseHeaders().set("Content-Type", "application/xml; charset=utf-8");
        exchange.sendResponseHeaders(200, twiml.length);
        exchange.getResponseBody().write(twiml);
    }

    /** Every value of each field: the signature covers them all (a field may come twice). */
    private static Optional<Map<String, List<String>>> readForm(InputStream body) throws IOException {
        byte[] bytes = body.readNBytes(MAX_FORM_BYTES + 1);
        if (bytes.length > MAX_FORM_BYTES) {
            return Optional.empty();
        }
        return Optional.of(FormData.parseAll(new String(bytes, StandardCharsets.UTF_8)));
    }
}
