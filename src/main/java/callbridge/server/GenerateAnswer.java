package callbridge.server;

import callbridge.call.PlaybackReport;
import callbridge.call.TurnResult;
import callbridge.call.Utterance;
import callbridge.json.Json;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The JSON body of a 200 from {@code /generate}. {@code response} is the prototype's field and keeps its
 * meaning: the utterance, or {@value #CALL_ENDED} once the call has ended, whatever ended it (the
 * prototype's drivers stop on exactly that text). Everything else is added alongside:
 * <pre>
 * {"response": "...", "kind": "utterance" | "transcription_failed" | "call_ended" | "played",
 *  "call_sid": "CA...", "error": "..." (transcription_failed only),
 *  "reason": "hung up" | "stream closed" | "stream refused" | "talk timeout" | "shutdown",
 *  "detail": "talk timeout: no speech and no /generate for 50 s"   (call_ended only),
 *  "utterance": {"number", "speech_start_ms", "speech_end_ms", "speech_started_at", "speech_ended_at",
 *                "detected_at", "text_ready_at", "turn_end" (silence | finished_words | unsure_words | max_length
 *                | stream_end), "turn_end_silence_ms", "transcribed_by" (realtime | batch | none)},
 *  "heard_before": [{"number", "text", "error"?, ...}],   utterances heard while nobody was asking
 *  "dtmf": ["1", "2"],   digits the far end pressed since the last answer
 *  "playback": {"mark", "audio_ms", "outcome", "started_at", "ended_at", "played_ms" and "played_text" (interrupted only)},
 *  "cut_in": {"far_end_speech_started_at", "into_speech_ms"}   (interrupt_after_ms only),
 *  "response_latency_ms": far end's speech start minus our playback end}
 * </pre>
 * {@code kind: "played"} ({@code answer=played}) has an empty {@code response}, {@code playback}, and empty
 * {@code heard_before} and {@code dtmf}: what the far end said or pressed meanwhile waits for the next answer.
 */
final class GenerateAnswer {
    /** The prototype's answer for a call that is over, on a stop, a talk timeout or a shutdown alike. */
    static final String CALL_ENDED = "Conversation ended by Twilio";

    private GenerateAnswer() {
    }

    static ObjectNode heard(TurnResult.Heard heard) {
        Utterance utterance = heard.utterance();
        ObjectNode answer = Json.MAPPER.createObjectNode();
        answer.put("response", utterance.text());
        answer.put("kind", utterance.isTranscribed() ? "utterance" : "transcription_failed");
        utterance.error().ifPresent(error -> answer.put("error", error));
        answer.set("utterance", describe(utterance));
        heard.playback().flatMap(PlaybackReport::playedAt).ifPresent(playedAt ->
                answer.put("response_latency_ms", Duration.between(playedAt, utterance.startedAt()).toMillis()));
        return common(answer, heard.callSid(), heard.heardBefore(), heard.playback(), heard.cutIn(), heard.dtmf());
    }

    static ObjectNode ended(TurnResult.CallEnded ended) {
        ObjectNode answer = Json.MAPPER.createObjectNode();
        answer.put("response", CALL_ENDED);
        answer.put("kind", "call_ended");
        answer.put("reason", ended.end().reason().word());
        answer.put("detail", ended.end().detail());
        return common(answer, ended.callSid(), ended.heardBefore(), ended.playback(), ended.cutIn(), ended.dtmf());
    }

    static ObjectNode played(TurnResult.Played played) {
        ObjectNode answer = Json.MAPPER.createObjectNode();
        answer.put("response", "");
        answer.put("kind", "played");
        return common(answer, played.callSid(), List.of(), Optional.of(played.playback()), played.cutIn(), List.of());
    }

    /**
     * The fields every answer of a turn has, and {@code cut_in} when our speech went into the far end's: its
     * onset, and how far into it our first audio went out.
     */
    private static ObjectNode common(ObjectNode answer, String callSid, List<Utterance> heardBefore,
                                     Optional<PlaybackReport> playback, Optional<TurnResult.CutIn> cutIn, List<String> dtmf) {
        answer.put("call_sid", callSid);
        answer.set("heard_before", list(heardBefore));
        ArrayNode digits = answer.putArray("dtmf");
        dtmf.forEach(digits::add);
        playback.ifPresent(report -> answer.set("playback", describe(report)));
        cutIn.ifPresent(into -> {
            ObjectNode node = answer.putObject("cut_in");
            putInstant(node, "far_end_speech_started_at", into.farEndSpeechStartedAt());
            playback.flatMap(PlaybackReport::startedAt).ifPresent(ours ->
                    node.put("into_speech_ms", Duration.between(into.farEndSpeechStartedAt(), ours).toMillis()));
        });
        return answer;
    }

    /** The 502 body: speech failed, the call goes on; earlier utterances are still handed out. */
    static ObjectNode speechFailed(TurnResult.SpeechFailed failed) {
        ObjectNode answer = Json.MAPPER.createObjectNode();
        answer.put("error", "text-to-speech failed: " + failed.message());
        answer.set("heard_before", list(failed.heardBefore()));
        return answer;
    }

    /**
     * The 404 body: with input, for a call that never appeared here within {@code waited}. Behind a load
     * balancer that is most often a request routed to the wrong instance; what matters to the driver is that
     * its text was never spoken.
     */
    static ObjectNode noSuchCall(TurnResult.NoSuchCall none, Duration waited) {
        ObjectNode answer = Json.MAPPER.createObjectNode();
        answer.put("error", "no call " + none.callSid() + " here within "
                + BigDecimal.valueOf(waited.toMillis(), 3).stripTrailingZeros().toPlainString() + " s: the text was not spoken");
        answer.put("call_sid", none.callSid());
        return answer;
    }

    private static ArrayNode list(List<Utterance> utterances) {
        ArrayNode list = Json.MAPPER.createArrayNode();
        utterances.forEach(utterance -> list.add(describe(utterance)));
        return list;
    }

    private static ObjectNode describe(Utterance utterance) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("number", utterance.number());
        node.put("text", utterance.text());
        utterance.error().ifPresent(error -> node.put("error", error));
        node.put("speech_start_ms", utterance.speechStart().toMillis());
        node.put("speech_end_ms", utterance.speechEnd().toMillis());
        putInstant(node, "speech_started_at", utterance.startedAt());
        putInstant(node, "speech_ended_at", utterance.endedAt());
        putInstant(node, "detected_at", utterance.detectedAt());
        putInstant(node, "text_ready_at", utterance.textReadyAt());
        node.put("turn_end", utterance.ending().word());
        node.put("turn_end_silence_ms", utterance.endSilence().toMillis());
        node.put("transcribed_by", utterance.transcribedBy().word());
        return node;
    }

    private static ObjectNode describe(PlaybackReport report) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        report.mark().ifPresent(mark -> node.put("mark", mark));
        node.put("audio_ms", report.audio().toMillis());
        node.put("outcome", report.outcome().name().toLowerCase(Locale.ROOT));
        report.startedAt().ifPresent(at -> putInstant(node, "started_at", at));
        report.playedAt().ifPresent(at -> putInstant(node, "ended_at", at));
        report.interruption().ifPresent(heard -> node.put("played_ms", heard.played().toMillis())
                .put("played_text", heard.playedText()));
        return node;
    }

    private static void putInstant(ObjectNode node, String field, Instant instant) {
        if (instant != null) {
            node.put(field, instant.toString());
        }
    }
}
