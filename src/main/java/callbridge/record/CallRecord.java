package callbridge.record;

import callbridge.audio.Turn;
import callbridge.call.CallEnd;
import callbridge.call.Utterance;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What happened on one call, as a {@link CallJournal} saw it: who called whom, when, how it ended, and
 * every turn of both sides in the order they began. A value: a live call's record is a snapshot of the
 * record so far. {@link CallRecordJson} writes it.
 *
 * @param streamSid    the latest media stream of the call
 * @param parameters   the stream's custom parameters, as the webhook's TwiML put them (From, To, Direction)
 * @param endedAt      empty while the call is live
 * @param end          how the call ended; empty while it is live
 * @param turns        both sides' turns, ordered by when each began
 * @param turnsDropped turns left out because the record reached its bound ({@link CallJournal#MAX_TURNS})
 * @param streamRestarts how many times the call's media stream restarted, the call going on
 * @param recording    the call's stereo recording, once written
 */
public record CallRecord(String callSid, String streamSid, Map<String, String> parameters, Instant startedAt,
                         Optional<Instant> endedAt, Optional<CallEnd> end, List<Entry> turns, int turnsDropped,
                         int streamRestarts, Optional<Recording> recording) {
    public CallRecord {
        Objects.requireNonNull(callSid, "callSid");
        parameters = Map.copyOf(parameters);
        turns = List.copyOf(turns);
    }

    /** One entry of the record: a turn of either side. */
    public sealed interface Entry {
        /** When it began: the far end's first speech frame, the first key pressed, our text-to-speech request. */
        Instant at();
    }

    /**
     * A turn the far end spoke, once it was transcribed (or failed to be).
     *
     * @param number              1, 2, 3... per media stream, as {@code /generate} numbers utterances
     * @param sttStartedAt        when the speech-to-text request began; empty for a turn never sent there
     * @param interruptedPlayback the far end began while our audio was playing (after our first media message
     *                            of a speech, before its mark came back or a clear cut it)
     * @param ending              the rule that ended the turn
     * @param endSilence          the pause that ended it
     * @param transcribedBy       how its text was made
     */
    public record FarEndSpeech(int number, String text, Optional<String> error, Duration speechStart, Duration speechEnd,
                               Instant speechStartedAt, Instant speechEndedAt, Instant detectedAt,
                               Optional<Instant> sttStartedAt, Instant textReadyAt, boolean interruptedPlayback,
                               Turn.Ending ending, Duration endSilence, Utterance.TranscribedBy transcribedBy)
            implements Entry {
        @Override
        public Instant at() {
            return speechStartedAt;
        }

        /** Our end-of-turn delay: from the end of the far end's speech to our deciding the turn was over. */
        public Duration endOfTurnDelay() {
            return Duration.between(speechEndedAt, detectedAt);
        }
    }

    /** Keys the far end pressed one after another, with no other turn between them. */
    public record Keys(List<Key> keys) implements Entry {
        public Keys {
            keys = List.copyOf(keys);
            if (keys.isEmpty()) {
                throw new IllegalArgumentException("a Keys turn has at least one key");
            }
        }

        @Override
        public Instant at() {
            return keys.getFirst().at();
        }
    }

    /** One DTMF key: "0"-"9", "*", "#" (or A-D). */
    public record Key(String digit, Instant at) {
    }

    /**
     * A text we spoke into the call through {@code /generate}.
     *
     * @param number          1, 2, 3... per call
     * @param ttsStartedAt    when the text-to-speech request began
     * @param firstAudioAt    when our first media message of it went out; empty when none did
     * @param audio           how much audio was sent
     * @param playbackEndedAt when its mark came back (or the call ended first); empty while it is still playing
     * @param outcome         {@code played}, {@code cleared}, {@code call_ended}, {@code failed} (the speech could
     *                        not be made) or {@code pending} (still playing)
     * @param responseLatency from {@code playbackEndedAt} to the start of the far end's next speech
     */
    public record OurSpeech(int number, String text, Instant ttsStartedAt, Optional<Instant> firstAudioAt, Duration audio,
                            Optional<String> mark, Optional<Instant> playbackEndedAt, String outcome,
                            Optional<String> error, Optional<Duration> responseLatency) implements Entry {
        @Override
        public Instant at() {
            return ttsStartedAt;
        }
    }

    /**
     * @param file      the WAV's file name, beside the record
     * @param length    how long it is
     * @param truncated the call outlasted {@link CallRecording#MAX_LENGTH}: the rest was not recorded
     */
    public record Recording(String file, Duration length, boolean truncated) {
    }

    public Optional<String> from() {
        return Optional.ofNullable(parameters.get("From"));
    }

    public Optional<String> to() {
        return Optional.ofNullable(parameters.get("To"));
    }

    CallRecord withRecording(Optional<Recording> written) {
        return new CallRecord(callSid, streamSid, parameters, startedAt, endedAt, end, turns, turnsDropped, streamRestarts, written);
    }
}
