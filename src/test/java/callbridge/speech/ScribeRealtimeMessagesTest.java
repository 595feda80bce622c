package callbridge.speech;

import callbridge.speech.ScribeRealtimeMessages.Committed;
import callbridge.speech.ScribeRealtimeMessages.Ignored;
import callbridge.speech.ScribeRealtimeMessages.MalformedMessageException;
import callbridge.speech.ScribeRealtimeMessages.Partial;
import callbridge.speech.ScribeRealtimeMessages.ServiceError;
import callbridge.speech.ScribeRealtimeMessages.SessionStarted;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The realtime JSON both ways, on strings: the shapes from the API reference and the SDKs' tests. */
class ScribeRealtimeMessagesTest {
    @Test
    void audioChunk_isTheSdksShapeWithOurRate() {
        assertEquals("{\"message_type\":\"input_audio_chunk\",\"audio_base_64\":\"AAH/\",\"commit\":false,\"sample_rate\":8000}",
                ScribeRealtimeMessages.audioChunk(new byte[]{0, 1, (byte) 0xFF}));
    }

    @Test
    void commit_withoutAudio_isTheSdksCommit() {
        assertEquals("{\"message_type\":\"input_audio_chunk\",\"audio_base_64\":\"\",\"commit\":true,\"sample_rate\":8000}",
                ScribeRealtimeMessages.commit(new byte[0]));
    }

    @Test
    void commit_carriesTheLastAudio() {
        assertEquals("{\"message_type\":\"input_audio_chunk\",\"audio_base_64\":\"fw==\",\"commit\":true,\"sample_rate\":8000}",
                ScribeRealtimeMessages.commit(new byte[]{0x7F}));
    }

    @Test
    void sessionStarted_fromTheReferenceExample() throws Exception {
        String message = "{\"message_type\":\"session_started\",\"session_id\":\"0b0a72b57fd743ebbed6555d44836cf2\","
                + "\"config\":{\"sample_rate\":16000,\"audio_format\":\"pcm_16000\",\"language_code\":\"en\","
                + "\"model_id\":\"scribe_v2_realtime\",\"commit_strategy\":\"manual\",\"enable_logging\":true,"
                + "\"include_timestamps\":true}}";
        assertEquals(new SessionStarted("0b0a72b57fd743ebbed6555d44836cf2"), ScribeRealtimeMessages.decode(message));
    }

    @Test
    void transcripts_partialAndCommitted_emptyTextToo() throws Exception {
        assertEquals(new Partial("Hello, how are"),
                ScribeRealtimeMessages.decode("{\"message_type\":\"partial_transcript\",\"text\":\"Hello, how are\"}"));
        assertEquals(new Committed("Hello, how are you today?"),
                ScribeRealtimeMessages.decode("{\"message_type\":\"committed_transcript\",\"text\":\"Hello, how are you today?\"}"));
        assertEquals(new Committed(""),
                ScribeRealtimeMessages.decode("{\"message_type\":\"committed_transcript\",\"text\":\"\"}"));
    }

    @Test
    void transcripts_longerThanTheCap_areCut() throws Exception {
        String text = "a".repeat(ScribeRealtimeMessages.MAX_TEXT_CHARS + 5);
        Committed committed = (Committed) ScribeRealtimeMessages.decode(
                "{\"message_type\":\"committed_transcript\",\"text\":\"" + text + "\"}");
        assertEquals(ScribeRealtimeMessages.MAX_TEXT_CHARS, committed.text().length());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"message_type\":\"committed_transcript_with_timestamps\",\"text\":\"Hi\",\"language_code\":\"en\",\"words\":[{\"text\":\"Hi\",\"start\":0.0,\"end\":0.3,\"type\":\"word\",\"logprob\":-0.01}]}",
            "{\"message_type\":\"final_transcript\",\"text\":\"Hi\"}",
            "{\"message_type\":\"committed_transcript_entities\",\"text\":\"Alice\",\"entities\":[]}",
            "{\"message_type\":\"something_new\"}"})
    void otherTypes_areIgnored(String message) throws Exception {
        assertEquals(Ignored.class, ScribeRealtimeMessages.decode(message).getClass());
    }

    @ParameterizedTest
    @CsvSource({
            "auth_error, HTTP_4XX",
            "quota_exceeded, HTTP_4XX",
            "unaccepted_terms, HTTP_4XX",
            "input_error, HTTP_4XX",
            "invalid_request, HTTP_4XX",
            "chunk_size_exceeded, HTTP_4XX",
            "session_time_limit_exceeded, HTTP_4XX",
            "insufficient_audio_activity, HTTP_4XX",
            "rate_limited, RATE_LIMITED",
            "commit_throttled, RATE_LIMITED",
            "resource_exhausted, RATE_LIMITED",
            "queue_overflow, RATE_LIMITED",
            "transcriber_error, HTTP_5XX",
            "error, HTTP_5XX"})
    void errors_becomeAKindWithTheServicesText(String type, SpeechException.Kind kind) throws Exception {
        assertEquals(new ServiceError(type, "what went wrong", kind), ScribeRealtimeMessages.decode(
                "{\"message_type\":\"" + type + "\",\"error\":\"what went wrong\"}"));
    }

    /** An error's text goes into log lines, utterances and records: a sentence's worth, not a transcript's. */
    @Test
    void errors_text_isCutToASentence() throws Exception {
        String text = "x".repeat(ScribeRealtimeMessages.MAX_TEXT_CHARS);
        ServiceError error = (ServiceError) ScribeRealtimeMessages.decode(
                "{\"message_type\":\"input_error\",\"error\":\"" + text + "\"}");
        assertEquals(ScribeRealtimeMessages.MAX_ERROR_CHARS, error.message().length());
    }

    @Test
    void errors_withoutTheirText_stillEndTheSession() throws Exception {
        assertEquals(new ServiceError("rate_limited", "(no details)", SpeechException.Kind.RATE_LIMITED),
                ScribeRealtimeMessages.decode("{\"message_type\":\"rate_limited\"}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "not json",
            "{\"message_type\":\"partial_transcript\",\"text\":\"Hi\"} trailing",
            "[]",
            "\"session_started\"",
            "{}",
            "{\"message_type\":7}",
            "{\"message_type\":\"partial_transcript\"}",
            "{\"message_type\":\"committed_transcript\",\"text\":null}",
            "{\"message_type\":\"committed_transcript\",\"text\":5}"})
    void malformed_isRefused(String message) {
        assertThrows(MalformedMessageException.class, () -> ScribeRealtimeMessages.decode(message));
    }
}
