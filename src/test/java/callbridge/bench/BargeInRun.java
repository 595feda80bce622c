package callbridge.bench;

import callbridge.audio.MuLaw;
import callbridge.audio.VoiceActivityDetector;
import callbridge.audio.WebRtcVad;
import callbridge.testing.FakeTwilioCall;
import callbridge.testing.TestCallbridge;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The far end talking over our speech, on a call of its own, with {@code BARGE_IN=true}: the driver says
 * {@link #LONG_REPLY}; once its audio has begun arriving at the fake Twilio, the caller lets it play for
 * {@code into}, then says an utterance of the set over it. The reaction time is from the moment the caller
 * had sent the server its minimum of speech ({@code BARGE_IN_MIN_MS}: that many ms of frames the server's
 * VAD calls speech) to the {@code clear} message arriving at the fake Twilio.
 *
 * <p>Which frame completes the minimum is found by running the same WebRTC VAD, in the server's default
 * mode, over the utterance after a second of silence, as the server's does on the stream: counting the
 * utterance's speech by its segments instead was off by up to 60 ms, as the VAD holds speech on for a few
 * frames after a word ("Sí," then a pause). The caller's timeline is its frames': frame {@code i} is sent
 * {@code i} x 20 ms after the first, at real-time pace, so the first was sent when the last was, less the
 * frames in between.
 */
final class BargeInRun {
    /** About 5 s of the stand-in's voice (40 ms a character): long enough to be talked over. */
    static final String LONG_REPLY = "Tenemos mesa para cuatro personas mañana a las nueve, en la terraza o dentro, "
            + "como prefieran; la cocina cierra a las once.";
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final Duration FRAME = FakeTwilioCall.FRAME;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** {@code VAD_MODE}'s default, which the benchmark's server runs with. */
    private static final int SERVER_VAD_MODE = 3;
    /** A second of silence first, as the stream has before the caller talks over us. */
    private static final int PRIMING_FRAMES = 50;

    /**
     * @param reactionNanos the minimum said to {@code clear} arriving; empty when no {@code clear} came
     * @param outcome       the {@code playback.outcome} the driver's {@code /generate} answered with
     */
    record Result(TurnClip clip, OptionalLong reactionNanos, String outcome) {
    }

    private BargeInRun() {
    }

    static Result run(TestCallbridge server, TurnClip clip, Duration into, Duration minimum) throws Exception {
        int minimumFrame = frameCompletingSpeech(clip, Math.toIntExact(minimum.dividedBy(FRAME)));
        try (FakeTwilioCall call = server.call()) {
            call.silenceWhenIdle(true);
            call.echoMarksAfterPlayback(true);
            String sid = call.callSid();
            server.session(sid);
            CompletableFuture<HttpResponse<String>> reply = server.generateLater(Map.of("sid", sid, "input", LONG_REPLY,
                    "timeout", "30"));
            call.awaitMessage(FakeTwilioCall.isEvent("media"), WAIT); // our speech has begun
            call.silence(into);
            call.speak(clip.audio());
            long lastFrameSent = System.nanoTime();
            long frames = (clip.audio().length + FakeTwilioCall.FRAME_BYTES - 1) / FakeTwilioCall.FRAME_BYTES;
            long minimumSaid = lastFrameSent - FRAME.multipliedBy(frames - 1 - minimumFrame).toNanos();
            OptionalLong reaction = OptionalLong.empty();
            for (FakeTwilioCall.Timed timed : call.timedMessages()) {
                if (FakeTwilioCall.isEvent("clear").test(timed.message())) {
                    reaction = OptionalLong.of(timed.arrivedNanos() - minimumSaid);
                    break;
                }
            }
            String outcome;
            try {
                JsonNode answer = JSON.readTree(reply.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).body());
                outcome = answer.path("playback").path("outcome").asText("(none)");
            } catch (java.util.concurrent.TimeoutException e) {
                outcome = "(no answer within " + WAIT.toSeconds() + " s)";
            }
            return new Result(clip, reaction, outcome);
        }
    }

    /** The index of the utterance's frame that brings the VAD's speech frames in it to {@code frames}. */
    static int frameCompletingSpeech(TurnClip clip, int frames) {
        try (VoiceActivityDetector vad = WebRtcVad.create(SERVER_VAD_MODE)) {
            for (int i = 0; i < PRIMING_FRAMES; i++) {
                vad.isSpeech(new short[FakeTwilioCall.FRAME_BYTES]);
            }
            byte[] audio = clip.audio();
            int speech = 0;
            for (int i = 0; i * FakeTwilioCall.FRAME_BYTES < audio.length; i++) {
                byte[] frame = Arrays.copyOfRange(audio, i * FakeTwilioCall.FRAME_BYTES, (i + 1) * FakeTwilioCall.FRAME_BYTES);
                if (i * FakeTwilioCall.FRAME_BYTES + frame.length > audio.length) {
                    Arrays.fill(frame, audio.length - i * FakeTwilioCall.FRAME_BYTES, frame.length, (byte) 0xFF);
                }
                if (vad.isSpeech(MuLaw.decode(frame)) && ++speech == frames) {
                    return i;
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("the VAD failed on " + clip.id(), e);
        }
        throw new IllegalArgumentException(clip.id() + " has fewer than " + frames + " frames of speech");
    }
}
