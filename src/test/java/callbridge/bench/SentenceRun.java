package callbridge.bench;

import callbridge.testing.FakeTwilioCall;
import callbridge.testing.TestCallbridge;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One utterance of the turn-taking set said on a call of its own, with a driver that answers every turn at
 * once, as a voice agent under test would: what the caller hears back, and when.
 *
 * <p>The caller (a fake Twilio stream, streaming silence whenever it is not speaking, as Twilio does)
 * waits {@code lead}, says the utterance at real-time pace, and keeps listening. The driver asks
 * {@code /generate} for the first turn and answers it with {@link #REPLY} at once. When that first turn is
 * the whole sentence, the reply gap is from the end of the caller's speech to the first {@code media}
 * message of the reply arriving at the fake Twilio. When it is not (the turn was ended at a pause inside
 * the sentence), the sentence was cut: the caller hears a reply while it is still talking, and no gap is
 * taken. Either way the call is then hung up, and the driver's waiting {@code /generate} hands back the
 * rest of what was heard ({@code heard_before}), so every turn the sentence became is counted.
 */
final class SentenceRun {
    /** The driver's answer: short, as the point is when it begins. */
    static final String REPLY = "Vale, perfecto.";
    /** Longer than any policy can take: the 2.8 s window, a 0.5 s transcription, text-to-speech, and margin. */
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    /** After a cut, the rest of the sentence is only counted: a second is enough for it to be a turn of its own. */
    private static final Duration AFTER_A_CUT = Duration.ofSeconds(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One turn as {@code /generate} reported it, and when the driver had it ({@link System#nanoTime()}). */
    record Heard(int number, String text, String turnEnd, long turnEndSilenceMs, long detectedAfterSpeechMs,
                 long textAfterTurnEndMs, String transcribedBy, long atNanos) {
    }

    /**
     * @param turns    every turn the utterance became, in order
     * @param gapNanos end of speech to the reply's first audio, when the first turn was the whole sentence
     */
    record Result(TurnClip clip, List<Heard> turns, OptionalLong gapNanos) {
        /** The first turn was not the whole sentence: it ended at a pause inside it. */
        boolean cut() {
            return turns.isEmpty() || !turns.getFirst().text().equals(clip.text());
        }
    }

    private SentenceRun() {
    }

    static Result run(TestCallbridge server, TurnClip clip, Duration lead) throws Exception {
        List<Heard> turns = new CopyOnWriteArrayList<>();
        CompletableFuture<Heard> first = new CompletableFuture<>();
        OptionalLong gap = OptionalLong.empty();
        Thread driver;
        try (FakeTwilioCall call = server.call()) {
            call.silenceWhenIdle(true);
            call.echoMarksAfterPlayback(true);
            String sid = call.callSid();
            server.session(sid);
            driver = Thread.ofVirtual().name("driver " + clip.id()).start(() -> drive(server, sid, turns, first));
            call.silence(lead);
            call.speak(clip.audio());
            long speechEnd = System.nanoTime(); // the last frame of speech has just been sent
            Heard heard;
            try {
                heard = first.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                heard = null; // nothing heard: reported below as a sentence with no turn
            }
            if (heard != null && heard.text().equals(clip.text())) {
                gap = OptionalLong.of(firstMediaAfter(call, heard.atNanos()) - speechEnd);
            } else {
                call.silence(AFTER_A_CUT);
            }
        } // hung up: the driver's waiting /generate answers with the call's end and what it heard meanwhile
        driver.join(PATIENCE.toMillis());
        List<Heard> ordered = new ArrayList<>(turns);
        ordered.sort((a, b) -> Integer.compare(a.number(), b.number()));
        return new Result(clip, ordered, gap);
    }

    /** The driver: the first turn, then the reply and the next turn, until the call ends. */
    private static void drive(TestCallbridge server, String sid, List<Heard> turns, CompletableFuture<Heard> first) {
        Map<String, String> ask = Map.of("sid", sid, "first", "true", "timeout", "30");
        try {
            while (true) {
                HttpResponse<String> response = server.generate(ask);
                long at = System.nanoTime();
                if (response.statusCode() != 200) {
                    return; // 204 cannot come within the timeout of a run; anything else ends the driving
                }
                JsonNode answer = JSON.readTree(response.body());
                for (JsonNode before : answer.path("heard_before")) {
                    turns.add(heard(before, before.path("text").asText(), at));
                }
                if (!answer.path("utterance").isMissingNode()) {
                    Heard heard = heard(answer.path("utterance"), answer.path("response").asText(), at);
                    turns.add(heard);
                    first.complete(heard);
                }
                if (answer.path("kind").asText().equals("call_ended")) {
                    return;
                }
                ask = Map.of("sid", sid, "input", REPLY, "timeout", "30");
            }
        } catch (Exception e) {
            first.completeExceptionally(e);
        }
    }

    private static Heard heard(JsonNode utterance, String text, long at) {
        Instant speechEnded = Instant.parse(utterance.path("speech_ended_at").asText());
        Instant detected = Instant.parse(utterance.path("detected_at").asText());
        Instant textReady = Instant.parse(utterance.path("text_ready_at").asText());
        return new Heard(utterance.path("number").asInt(), text, utterance.path("turn_end").asText(),
                utterance.path("turn_end_silence_ms").asLong(), Duration.between(speechEnded, detected).toMillis(),
                Duration.between(detected, textReady).toMillis(),
                utterance.path("transcribed_by").asText(), at);
    }

    /** When the first {@code media} message that arrived after {@code nanos} arrived: the reply's first audio. */
    private static long firstMediaAfter(FakeTwilioCall call, long nanos) {
        while (true) {
            JsonNode media = call.awaitMessage(FakeTwilioCall.isEvent("media"), PATIENCE);
            for (FakeTwilioCall.Timed timed : call.timedMessages()) {
                if (timed.message() == media && timed.arrivedNanos() > nanos) {
                    return timed.arrivedNanos();
                }
            }
        }
    }
}
