package callbridge.record;

import callbridge.call.CallEnd;
import callbridge.json.Json;
import callbridge.logging.LogText;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link CallRecord} as JSON, the form of the record files and of {@code GET /calls/{sid}}. Times are
 * ISO-8601 instants, durations whole milliseconds in fields ending {@code _ms}; a value not known (yet)
 * is left out. Fields are only ever added.
 * <pre>
 * {"call_sid", "stream_sid", "from", "to", "parameters": {...}, "started_at", "ended_at", "duration_ms",
 *  "end": {"reason", "detail"}, "live": false,
 *  "turns": [
 *    {"side": "far_end", "kind": "speech", "number", "text", "error", "speech_started_at", "speech_ended_at",
 *     "speech_start_ms", "speech_end_ms", "detected_at", "end_of_turn_delay_ms", "turn_end", "turn_end_silence_ms",
 *     "transcribed_by", "stt_started_at",
 *     "text_ready_at", "stt_latency_ms", "interrupted_playback"},
 *    {"side": "far_end", "kind": "dtmf", "digits": [{"digit", "at"}]},
 *    {"side": "callbridge", "kind": "speech", "number", "text", "tts_started_at", "first_audio_at",
 *     "tts_first_audio_ms", "audio_ms", "mark", "playback_ended_at", "outcome", "error", "response_latency_ms"}],
 *  "turns_dropped": 0, "stream_restarts": 0,
 *  "recording": {"file", "audio_ms", "truncated"}}
 * </pre>
 */
public final class CallRecordJson {
    private CallRecordJson() {
    }

    /**
     * A call's identity as every answer about calls names it ({@code /calls}, {@code /calls/next}, a record):
     * {@code call_sid}, {@code stream_sid}, and {@code from} and {@code to} when the stream's parameters had them.
     */
    public static void putCall(ObjectNode node, String callSid, String streamSid, Optional<String> from, Optional<String> to) {
        node.put("call_sid", callSid);
        node.put("stream_sid", streamSid);
        from.ifPresent(number -> node.put("from", number));
        to.ifPresent(number -> node.put("to", number));
    }

    /** The stream's custom parameters as {@code parameters}, sorted by name. */
    public static void putParameters(ObjectNode node, Map<String, String> parameters) {
        ObjectNode object = node.putObject("parameters");
        parameters.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(p -> object.put(p.getKey(), p.getValue()));
    }

    public static ObjectNode of(CallRecord record) {
        ObjectNode json = Json.MAPPER.createObjectNode();
        putCall(json, record.callSid(), record.streamSid(), record.from(), record.to());
        putParameters(json, record.parameters());
        put(json, "started_at", record.startedAt());
        record.endedAt().ifPresent(ended -> {
            put(json, "ended_at", ended);
            millis(json, "duration_ms", Duration.between(record.startedAt(), ended));
        });
        record.end().ifPresent(end -> json.putObject("end").put("reason", end.reason().word()).put("detail", end.detail()));
        json.put("live", record.end().isEmpty());
        ArrayNode turns = json.putArray("turns");
        for (CallRecord.Entry entry : record.turns()) {
            turns.add(switch (entry) {
                case CallRecord.FarEndSpeech speech -> farEnd(speech);
                case CallRecord.Keys keys -> keys(keys);
                case CallRecord.OurSpeech speech -> ours(speech);
            });
        }
        json.put("turns_dropped", record.turnsDropped());
        json.put("stream_restarts", record.streamRestarts());
        record.recording().ifPresent(recording -> {
            ObjectNode node = json.putObject("recording").put("file", recording.file());
            millis(node, "audio_ms", recording.length());
            node.put("truncated", recording.truncated());
        });
        return json;
    }

    /**
     * How the call of a record ended, read back from the {@code end} that {@link #of} wrote: the reason by its
     * word ({@link CallEnd.Reason#word()}, never changed, so a record written by any version reads back), the
     * detail as written.
     *
     * @throws IOException the record has no {@code end} (it was written while its call was live), or one whose
     *                     reason is not a word this version writes
     */
    static CallEnd end(ObjectNode record) throws IOException {
        JsonNode end = record.path("end");
        JsonNode word = end.path("reason");
        JsonNode detail = end.path("detail");
        if (!word.isTextual() || !detail.isTextual()) {
            throw new IOException("the record does not say how its call ended");
        }
        CallEnd.Reason reason = Arrays.stream(CallEnd.Reason.values())
                .filter(candidate -> candidate.word().equals(word.asText()))
                .findFirst()
                .orElseThrow(() -> new IOException("the record's call ended for a reason not known here: " + LogText.quote(word.asText())));
        return new CallEnd(reason, detail.asText());
    }

    private static ObjectNode farEnd(CallRecord.FarEndSpeech speech) {
        ObjectNode node = Json.MAPPER.createObjectNode().put("side", "far_end").put("kind", "speech");
        node.put("number", speech.number());
        node.put("text", speech.text());
        speech.error().ifPresent(error -> node.put("error", error));
        put(node, "speech_started_at", speech.speechStartedAt());
        put(node, "speech_ended_at", speech.speechEndedAt());
        millis(node, "speech_start_ms", speech.speechStart());
        millis(node, "speech_end_ms", speech.speechEnd());
        put(node, "detected_at", speech.detectedAt());
        millis(node, "end_of_turn_delay_ms", speech.endOfTurnDelay());
        node.put("turn_end", speech.ending().word());
        millis(node, "turn_end_silence_ms", speech.endSilence());
        node.put("transcribed_by", speech.transcribedBy().word());
        speech.sttStartedAt().ifPresent(started -> put(node, "stt_started_at", started));
        put(node, "text_ready_at", speech.textReadyAt());
        speech.sttStartedAt().ifPresent(started ->
                millis(node, "stt_latency_ms", Duration.between(started, speech.textReadyAt())));
        node.put("interrupted_playback", speech.interruptedPlayback());
        return node;
    }

    private static ObjectNode keys(CallRecord.Keys keys) {
        ObjectNode node = Json.MAPPER.createObjectNode().put("side", "far_end").put("kind", "dtmf");
        ArrayNode digits = node.putArray("digits");
        keys.keys().forEach(key -> digits.addObject().put("digit", key.digit()).put("at", key.at().toString()));
        return node;
    }

    private static ObjectNode ours(CallRecord.OurSpeech speech) {
        ObjectNode node = Json.MAPPER.createObjectNode().put("side", "callbridge").put("kind", "speech");
        node.put("number", speech.number());
        node.put("text", speech.text());
        put(node, "tts_started_at", speech.ttsStartedAt());
        speech.firstAudioAt().ifPresent(first -> {
            put(node, "first_audio_at", first);
            millis(node, "tts_first_audio_ms", Duration.between(speech.ttsStartedAt(), first));
        });
        millis(node, "audio_ms", speech.audio());
        speech.mark().ifPresent(mark -> node.put("mark", mark));
        speech.playbackEndedAt().ifPresent(ended -> put(node, "playback_ended_at", ended));
        node.put("outcome", speech.outcome());
        speech.error().ifPresent(error -> node.put("error", error));
        speech.responseLatency().ifPresent(latency -> millis(node, "response_latency_ms", latency));
        return node;
    }

    private static void put(ObjectNode node, String field, Instant instant) {
        node.put(field, instant.toString());
    }

    private static void millis(ObjectNode node, String field, Duration duration) {
        node.put(field, duration.toMillis());
    }
}
