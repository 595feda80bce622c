package callbridge.call;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The record of one call as it happens: its sessions ({@link CallSession}, more than one when the media
 * stream restarted), {@link Transcriber} and {@link Playback} report to it, and {@link #snapshot} turns
 * what it holds into a {@link CallRecord}. Every time comes from the call's clock. Bounded: past
 * {@link #MAX_TURNS} turns, further turns are only counted.
 *
 * <p>Reports come from the stream's thread (audio, keys), the transcriber's (far-end text) and the
 * {@code /generate} thread speaking (our audio); one lock keeps them apart, held only to note a value.
 */
final class CallJournal {
    /** Turns one record holds: hours of conversation; a call that goes past it is a flood of keys. */
    static final int MAX_TURNS = 2_000;

    private final String callSid;
    private final Map<String, String> parameters;
    private final Clock clock;
    private final Instant startedAt;
    private final CallRecording recording;
    private final int maxTurns;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Object> turns = new ArrayList<>();
    /** Our speeches whose mark has not come back yet, by mark. */
    private final Map<String, Speech> playing = new HashMap<>();
    private String streamSid;
    /** Entries held: turns, and each key of a {@link CallRecord.Keys} turn. */
    private int held;
    private int dropped;
    private int ourSpeeches;
    private int sessions;
    private int streamRestarts;
    /** The keys being pressed now, if the last turn was a key: the next key joins it. */
    private List<CallRecord.Key> keys;
    private CallEnd end;
    private Instant endedAt;

    /** Our speech as it goes out; the journal's lock guards its fields. */
    static final class Speech {
        private final int number;
        private final String text;
        private final Instant ttsStartedAt;
        private Instant firstAudioAt;
        private Duration audio = Duration.ZERO;
        private String mark;
        private Instant playbackEndedAt;
        /** When a clear cut it, if one did before its mark came back. */
        private Instant clearedAt;
        private String outcome = "pending";
        private String error;

        private Speech(int number, String text, Instant ttsStartedAt) {
            this.number = number;
            this.text = text;
            this.ttsStartedAt = ttsStartedAt;
        }

        /** The far end speaking at {@code at} interrupts us if our audio was playing then. */
        private boolean playingAt(Instant at) {
            Instant until = clearedAt != null ? clearedAt : playbackEndedAt;
            return firstAudioAt != null && !firstAudioAt.isAfter(at) && (until == null || until.isAfter(at));
        }
    }

    CallJournal(String callSid, String streamSid, Map<String, String> parameters, Clock clock, CallRecording recording,
                int maxTurns) {
        this.callSid = callSid;
        this.streamSid = streamSid;
        this.parameters = Map.copyOf(parameters);
        this.clock = clock;
        this.startedAt = clock.instant();
        this.recording = recording;
        this.maxTurns = maxTurns;
    }

    /** A journal that only lives in memory, for a session made without a {@link CallRecords}. */
    static CallJournal unrecorded(String callSid, Clock clock) {
        return new CallJournal(callSid, "", Map.of(), clock, CallRecording.OFF, MAX_TURNS);
    }

    String callSid() {
        return callSid;
    }

    Instant startedAt() {
        return startedAt;
    }

    CallRecording recording() {
        return recording;
    }

    Map<String, String> parameters() {
        return parameters;
    }

    /** A session (media stream) of the call begins reporting here. */
    void attach(String stream) {
        lock.lock();
        try {
            sessions++;
            streamSid = stream;
        } finally {
            lock.unlock();
        }
    }

    /** The call's media stream restarted as {@code stream}: the call, and this record, go on. */
    void streamRestarted(String stream) {
        lock.lock();
        try {
            streamRestarts++;
            streamSid = stream;
        } finally {
            lock.unlock();
        }
    }

    /** A session has ended and reported everything; true when it was the last, and the call is over. */
    boolean detach() {
        lock.lock();
        try {
            return --sessions == 0;
        } finally {
            lock.unlock();
        }
    }

    /** The call ended for {@code reason}. */
    void sessionEnded(CallEnd reason) {
        lock.lock();
        try {
            if (end == null) {
                end = reason;
                endedAt = clock.instant();
            }
        } finally {
            lock.unlock();
        }
    }

    /** A far-end turn came back from speech-to-text (or failed), which began at {@code sttStartedAt}. */
    void heard(Utterance utterance, Optional<Instant> sttStartedAt) {
        lock.lock();
        try {
            add(new Heard(utterance, sttStartedAt));
        } finally {
            lock.unlock();
        }
    }

    /** The far end pressed a key. */
    void pressed(String digit) {
        Instant now = clock.instant();
        lock.lock();
        try {
            if (keys != null && !turns.isEmpty() && turns.getLast() == keys) {
                if (held >= maxTurns) {
                    dropped++;
                    return;
                }
                held++;
                keys.add(new CallRecord.Key(digit, now));
            } else {
                keys = new ArrayList<>(List.of(new CallRecord.Key(digit, now)));
                add(keys);
            }
        } finally {
            lock.unlock();
        }
    }

    /** We start speaking {@code text}: the text-to-speech request begins now. */
    Speech speaking(String text) {
        Instant now = clock.instant();
        lock.lock();
        try {
            Speech speech = new Speech(++ourSpeeches, text, now);
            add(speech);
            return speech;
        } finally {
            lock.unlock();
        }
    }

    /** The first media message of {@code speech} went out at {@code at}. */
    void firstAudio(Speech speech, Instant at) {
        lock.lock();
        try {
            speech.firstAudioAt = at;
        } finally {
            lock.unlock();
        }
    }

    /** All of {@code speech} went out, {@code audio} long, followed by {@code mark}. */
    void sent(Speech speech, Duration audio, String mark) {
        lock.lock();
        try {
            speech.audio = audio;
            speech.mark = mark;
            playing.put(mark, speech);
        } finally {
            lock.unlock();
        }
    }

    /** The speech could not be made (text-to-speech or the stream failed). */
    void failed(Speech speech, Duration audio, String error) {
        lock.lock();
        try {
            speech.audio = audio;
            speech.outcome = "failed";
            speech.error = error;
            speech.playbackEndedAt = clock.instant();
        } finally {
            lock.unlock();
        }
    }

    /** A {@code clear} went out: what was playing stops now, and our recorded side is cut here. */
    void cleared() {
        Instant now = clock.instant();
        recording.cutOurs(now);
        lock.lock();
        try {
            for (Object turn : turns) {
                if (turn instanceof Speech speech && speech.playbackEndedAt == null && speech.clearedAt == null) {
                    speech.clearedAt = now;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** The stream echoed {@code mark} (or the call ended before it could): our playback of it is over. */
    void playbackEnded(String mark, PlaybackReport.Outcome outcome) {
        Instant now = clock.instant();
        lock.lock();
        try {
            Speech speech = playing.remove(mark);
            if (speech != null) {
                speech.playbackEndedAt = now;
                speech.outcome = outcome.name().toLowerCase(java.util.Locale.ROOT);
            }
        } finally {
            lock.unlock();
        }
    }

    /** True while some speech of ours has gone out and its mark has not come back. */
    boolean ourAudioPlaying() {
        lock.lock();
        try {
            return playing.values().stream().anyMatch(speech -> speech.firstAudioAt != null && speech.clearedAt == null);
        } finally {
            lock.unlock();
        }
    }

    /** Turns held so far, of both sides (a run of keys is one turn). */
    int turnCount() {
        lock.lock();
        try {
            return turns.size();
        } finally {
            lock.unlock();
        }
    }

    /** The record so far (or the whole record, once the call has ended). */
    CallRecord snapshot() {
        lock.lock();
        try {
            List<Speech> speeches = new ArrayList<>();
            List<Heard> heard = new ArrayList<>();
            for (Object turn : turns) {
                if (turn instanceof Speech speech) {
                    speeches.add(speech);
                } else if (turn instanceof Heard h) {
                    heard.add(h);
                }
            }
            heard.sort(Comparator.comparing(h -> h.utterance().startedAt()));
            List<CallRecord.Turn> record = new ArrayList<>(turns.size());
            for (Object turn : turns) {
                record.add(switch (turn) {
                    case Heard h -> farEnd(h, speeches);
                    case Speech speech -> ours(speech, heard);
                    case List<?> pressed -> new CallRecord.Keys(pressed.stream().map(CallRecord.Key.class::cast).toList());
                    default -> throw new IllegalStateException("not a turn: " + turn);
                });
            }
            // Turns are noted when they are known (a far-end turn once transcribed), so they are put in the
            // order they began; the sort is stable, so equal times keep the order they were noted in.
            record.sort(Comparator.comparing(CallRecord.Turn::at));
            return new CallRecord(callSid, streamSid, parameters, startedAt, Optional.ofNullable(endedAt),
                    Optional.ofNullable(end), record, dropped, streamRestarts, Optional.empty());
        } finally {
            lock.unlock();
        }
    }

    /** With the lock held: notes a turn, unless the record is full. */
    private void add(Object turn) {
        if (held >= maxTurns) {
            dropped++;
            return;
        }
        held++;
        turns.add(turn);
    }

    private static CallRecord.FarEndSpeech farEnd(Heard heard, List<Speech> speeches) {
        Utterance u = heard.utterance();
        boolean interrupted = speeches.stream().anyMatch(speech -> speech.playingAt(u.startedAt()));
        return new CallRecord.FarEndSpeech(u.number(), u.text(), u.error(), u.speechStart(), u.speechEnd(), u.startedAt(),
                u.endedAt(), u.detectedAt(), heard.sttStartedAt(), u.textReadyAt(), interrupted, u.ending(), u.endSilence(),
                u.transcribedBy());
    }

    /**
     * Our speech, with the far end's response latency: from the end of our playback to the start of the
     * far end's first speech that began once our audio had (negative when it interrupted us).
     */
    private static CallRecord.OurSpeech ours(Speech speech, List<Heard> heard) {
        Optional<Duration> latency = Optional.empty();
        if (speech.playbackEndedAt != null && speech.firstAudioAt != null && !"failed".equals(speech.outcome)) {
            latency = heard.stream().map(h -> h.utterance().startedAt())
                    .filter(start -> !start.isBefore(speech.firstAudioAt)).findFirst()
                    .map(start -> Duration.between(speech.playbackEndedAt, start));
        }
        return new CallRecord.OurSpeech(speech.number, speech.text, speech.ttsStartedAt,
                Optional.ofNullable(speech.firstAudioAt), speech.audio, Optional.ofNullable(speech.mark),
                Optional.ofNullable(speech.playbackEndedAt), speech.outcome, Optional.ofNullable(speech.error), latency);
    }

    private record Heard(Utterance utterance, Optional<Instant> sttStartedAt) {
    }
}
