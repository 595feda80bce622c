package callbridge.testing;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A voice agent under test, reached through {@link FakeTwilioRest}: when a client places a call, it answers
 * as Twilio and the agent's phone would together. Twilio's part ({@link TwilioDialer}): the voice webhook
 * POSTed with Twilio's form fields for an outbound call, the TwiML's {@code <Stream>} opened as Twilio opens
 * it, our marks echoed once our audio has played. The agent's
 * part: a greeting clip, then one clip in reply to each thing the server says, each spoken once the
 * server's speech has played out; it hangs up after a set number of replies, or when the call is completed
 * through the API.
 */
public final class AgentOnThePhone implements FakeTwilioRest.Callee {
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
        TwilioDialer dialer = dialerFor(call);
        TwilioDialer.Stream stream = webhook(call, dialer);
        call.status("in-progress");
        LinkedBlockingQueue<String> events = new LinkedBlockingQueue<>();
        try (FakeTwilioCall phone = dialer.connect(call.sid(), stream)) {
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

    /** Twilio's webhook for an outbound call that was answered, asked of the server at the call's {@code Url}. */
    private static TwilioDialer.Stream webhook(PlacedCall call, TwilioDialer dialer) throws IOException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("CallSid", call.sid());
        form.put("AccountSid", FakeTwilioRest.ACCOUNT_SID);
        form.put("From", call.from());
        form.put("To", call.to());
        form.put("CallStatus", "in-progress");
        form.put("Direction", "outbound-api");
        form.put("ApiVersion", "2010-04-01");
        return dialer.webhook(form);
    }

    /** Reaches the server on loopback at the webhook's port, signing for the public address the call was given. */
    private static TwilioDialer dialerFor(PlacedCall call) {
        URI webhook = call.webhook();
        return new TwilioDialer(webhook.getPort(), Optional.of(URI.create(webhook.getScheme() + "://" + webhook.getRawAuthority())),
                FakeTwilioRest.AUTH_TOKEN);
    }
}
