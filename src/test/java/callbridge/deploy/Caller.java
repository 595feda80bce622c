package callbridge.deploy;

import callbridge.testing.FakeTwilioCall;
import callbridge.testing.FakeTwilioRest;
import callbridge.testing.SpeechClips;
import callbridge.testing.TwilioDialer;
import callbridge.twilio.CallArrival;
import callbridge.twilio.CallIds;
import callbridge.twilio.TwilioSignature;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Twilio and the person on the phone, for one call through the load balancer. Twilio's part: the voice
 * webhook POSTed to the public URL, signed over it, then the media stream opened at the {@code wss://} URL
 * the TwiML names, signed over that, with our speech echoed as played once it has. The person's part: the
 * call's first clip at once, the next one each time our speech has played, and a hang-up (Twilio's
 * {@code stop}, then the WebSocket closed) once our speech after the last clip has played.
 */
final class Caller implements Runnable {
    private static final String WEBHOOK = "/twilio-voice";
    private static final String STREAM_CLOSED = "(stream closed)";
    /** Longest a turn may take to come back as our speech: generous, the machine is shared. */
    private static final Duration TURN = Duration.ofSeconds(60);

    private final Deployment deployment;
    private final CallTrace trace;

    Caller(Deployment deployment, CallTrace trace) {
        this.deployment = deployment;
        this.trace = trace;
    }

    @Override
    public void run() {
        try {
            TwilioDialer.Stream stream = webhook();
            FakeTwilioCall phone = FakeTwilioCall.connect(deployment.http(), URI.create(stream.url()),
                    FakeTwilioRest.ACCOUNT_SID, trace.callSid(), FakeTwilioCall.newStreamSid(), stream.parameters(),
                    Map.of(TwilioSignature.HEADER, TwilioSignature.sign(FakeTwilioRest.AUTH_TOKEN, stream.url(), Map.of())));
            try {
                converse(phone);
            } finally {
                phone.close(); // a hang-up when all went well; otherwise the stream is dropped, whatever state it is in
                trace.streamClosed(phone.closed().getNow(FakeTwilioCall.ABNORMAL_CLOSURE));
            }
        } catch (Exception | AssertionError e) {
            trace.problem("caller: " + e);
        }
    }

    /** Says each clip once our speech before it has played; hangs up once our speech after the last has. */
    private void converse(FakeTwilioCall phone) throws InterruptedException {
        LinkedBlockingQueue<String> played = new LinkedBlockingQueue<>();
        phone.silenceWhenIdle(true); // a phone line carries silence between words
        phone.echoMarksAfterPlayback(true);
        phone.onMarkPlayed(played::add);
        phone.closed().thenRun(() -> played.add(STREAM_CLOSED));
        for (int turn = 0; turn < trace.clips().size(); turn++) {
            String clip = trace.clips().get(turn);
            if (turn > 0) {
                String event = played.poll(TURN.toMillis(), TimeUnit.MILLISECONDS);
                if (event == null || event.equals(STREAM_CLOSED)) {
                    trace.problem("caller: " + (event == null ? "no speech from us within " + TURN.toSeconds() + " s" : "the stream closed")
                            + " before saying " + clip);
                    return;
                }
            }
            phone.speak(SpeechClips.load(clip));
        }
        String goodbye = played.poll(TURN.toMillis(), TimeUnit.MILLISECONDS);
        if (goodbye == null || goodbye.equals(STREAM_CLOSED)) {
            trace.problem("caller: " + (goodbye == null ? "no goodbye within " + TURN.toSeconds() + " s" : "the stream closed before our goodbye"));
        }
    }

    /** POSTs the webhook as Twilio would for an inbound call; its TwiML's stream. */
    private TwilioDialer.Stream webhook() throws Exception {
        HttpResponse<String> response = postWebhook(deployment, trace.callSid(), FakeTwilioRest.AUTH_TOKEN);
        trace.answered("POST " + WEBHOOK, response);
        if (response.statusCode() != 200) {
            throw new AssertionError("the webhook answered " + response.statusCode() + ": " + response.body());
        }
        return TwilioDialer.streamOf(response.body());
    }

    /** The voice webhook of an inbound call, signed with {@code authToken} over the public URL, as Twilio signs it. */
    static HttpResponse<String> postWebhook(Deployment deployment, String callSid, String authToken) throws Exception {
        URI url = URI.create(deployment.publicUrl() + WEBHOOK);
        Map<String, String> form = CallArrival.form(new CallIds(callSid, FakeTwilioCall.newStreamSid(), FakeTwilioRest.ACCOUNT_SID),
                "+15005550001", "+15005550002", true);
        return deployment.http().send(CallArrival.webhookRequest(url, url, form, Optional.of(authToken), Duration.ofSeconds(30)),
                HttpResponse.BodyHandlers.ofString());
    }
}
