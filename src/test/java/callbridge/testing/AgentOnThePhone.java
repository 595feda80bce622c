package callbridge.testing;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A voice agent under test, reached through {@link FakeTwilioRest}: when a client places a call, it answers
 * as Twilio and the agent's phone would together. Twilio's part: the voice webhook POSTed with Twilio's form
 * fields, the {@code <Stream>} of the TwiML opened (its query string dropped, as Twilio drops it, and its
 * {@code <Parameter>}s sent back in {@code start}), our marks echoed once our audio has played. The agent's
 * part: a greeting clip, then one clip in reply to each thing the server says, each spoken once the
 * server's speech has played out; it hangs up after a set number of replies, or when the call is completed
 * through the API.
 */
public final class AgentOnThePhone implements FakeTwilioRest.Callee {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String COMPLETED = "(completed through the API)";
    private static final String CLOSED = "(stream closed by the server)";

    private final String greeting;
    private final List<String> replies;
    private final int hangUpAfter;
    private final List<FakeTwilioCall> streams = new CopyOnWriteArrayList<>();

    private AgentOnThePhone(String greeting, List<String> replies, int hangUpAfter) {
        this.greeting = greeting;
        this.replies = List.copyOf(replies);
        this.hangUpAfter = hangUpAfter;
    }

    /** Greets with the clip {@code greeting} (or says nothing first when null), then answers with {@code replies} in turn. */
    public static AgentOnThePhone saying(String greeting, List<String> replies) {
        return new AgentOnThePhone(greeting, replies, Integer.MAX_VALUE);
    }

    /** This agent, hanging up (Twilio's {@code stop}) once it has given {@code count} replies. */
    public AgentOnThePhone hangingUpAfter(int count) {
        return new AgentOnThePhone(greeting, replies, count);
    }

    /** The media streams opened so far, one per call answered. */
    public List<FakeTwilioCall> streams() {
        return List.copyOf(streams);
    }

    @Override
    public void ring(PlacedCall call) throws Exception {
        call.status("ringing");
        Map<String, String> parameters = new LinkedHashMap<>();
        URI stream = streamOf(webhook(call), parameters);
        call.status("in-progress");
        LinkedBlockingQueue<String> events = new LinkedBlockingQueue<>();
        try (FakeTwilioCall phone = FakeTwilioCall.connect(stream, call.sid(), FakeTwilioCall.newStreamSid(), parameters, Map.of())) {
            streams.add(phone);
            phone.silenceWhenIdle(true);
            phone.echoMarksAfterPlayback(true);
            phone.onMarkPlayed(events::add);
            call.completedByApi().thenRun(() -> events.add(COMPLETED));
            phone.closed().thenRun(() -> events.add(CLOSED));
            if (greeting != null) {
                phone.speak(SpeechClips.load(greeting));
            }
            converse(phone, events);
        } finally {
            if (!call.isOver()) {
                call.status("completed");
            }
        }
    }

    /** Replies to each mark played; returns when the agent hangs up, or the call was ended from our side. */
    private void converse(FakeTwilioCall phone, LinkedBlockingQueue<String> events) throws InterruptedException {
        int given = 0;
        while (true) {
            String event = events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (event == null || event.equals(COMPLETED) || event.equals(CLOSED)) {
                return;
            }
            if (given == hangUpAfter || given == replies.size()) {
                return; // the agent hangs up: closing the stream sends Twilio's stop
            }
            phone.speak(SpeechClips.load(replies.get(given++)));
        }
    }

    /** POSTs the voice webhook as Twilio does for an outbound call and returns the TwiML. */
    private static String webhook(PlacedCall call) throws Exception {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("CallSid", call.sid());
        form.put("AccountSid", FakeTwilioRest.ACCOUNT_SID);
        form.put("From", call.from());
        form.put("To", call.to());
        form.put("CallStatus", "in-progress");
        form.put("Direction", "outbound-api");
        form.put("ApiVersion", "2010-04-01");
        String body = form.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(call.webhook())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("the webhook answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /** The {@code <Stream url>} of the TwiML without its query (Twilio drops it), and its parameters into {@code parameters}. */
    static URI streamOf(String twiml, Map<String, String> parameters) throws Exception {
        Document document = DocumentBuilderFactory.newDefaultInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(twiml.getBytes(StandardCharsets.UTF_8)));
        Element stream = (Element) document.getElementsByTagName("Stream").item(0);
        if (stream == null) {
            throw new IllegalStateException("no <Stream> in the TwiML: " + twiml);
        }
        NodeList parameterNodes = stream.getElementsByTagName("Parameter");
        for (int i = 0; i < parameterNodes.getLength(); i++) {
            Element parameter = (Element) parameterNodes.item(i);
            parameters.put(parameter.getAttribute("name"), parameter.getAttribute("value"));
        }
        URI url = URI.create(stream.getAttribute("url"));
        return URI.create(url.getScheme() + "://" + url.getRawAuthority() + url.getRawPath());
    }
}
