package callbridge.record;

import callbridge.call.CallEnd;
import callbridge.call.CallListener;
import callbridge.call.CallStart;
import callbridge.call.PlaybackReport;
import callbridge.call.Utterance;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The record of one call as it happens: the {@link CallListener} the call reports to, which notes each turn
 * and feeds the call's {@link CallRecording}; {@link #snapshot} turns what it holds into a {@link CallRecord}.
 * Bounded: past {@link #MAX_TURNS} turns, further turns are only counted.
 *
 * <p>Reports come from the stream's thread (audio, keys), the transcriber's (far-end text) and the
 * {@code /generate} thread speaking (our audio); one lock keeps them apart, held only to note a value. The
 * far end's audio needs none: it comes one frame at a time, in order (see {@link CallListener}).
 */
final class CallJournal implements CallListener {
    /** Turns one record holds: hours of conversation; a call that goes past it is a flood of keys. */
    static final int MAX_TURNS = 2_000;

    private final String callSid;
    private final Map<String, String> parameters;
    private final Clock clock;
    private final Instant startedAt;
    private final CallRecording recording;
    private final int maxTurns;
    private final Consumer<CallJournal> onAllReported;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Noted> turns = new ArrayList<>();
    /** Our speeches held in the record whose playback is not over yet (neither failed nor ended), by mark. */
    private final Map<String, Speech> unfinished = new HashMap<>();
    private String streamSid;
    /** Entries held: turns, and each key of a {@link CallRecord.Keys} turn. */
    private int held;
    private int dropped;
    private int ourSpeeches;
    private int sessions = 1;
    private int streamRestarts;
    private CallEnd end;
    private Instant endedAt;
    /** Where the current stream's audio begins on the recording's timeline, in samples; see {@link #farEndAudio}. */
    private long farEndOrigin;
    /** Far-end audio the current stream carried so far, in bytes (one byte a sample); see {@link #farEndAudio}. */
    private long farEndBytes;

    /**
     * A turn as the journal holds it while the call goes on: what the far end said, what we say (which
     * changes as it goes out), the keys pressed in a row. {@link #snapshot} makes each a {@link CallRecord.Entry}.
     */
    private sealed interface Noted permits Heard, Speech, KeysPressed {
    }

    /** A far-end turn, once transcribed; its request to speech-to-text began at {@code sttStartedAt}. */
    private record Heard(Utterance utterance, Optional<Instant> sttStartedAt) implements Noted {
    }

    /** Keys pressed one after another; the journal's lock guards the list, which grows while they come. */
    private record KeysPressed(List<CallRecord.Key> keys) implements Noted {
    }

    /** Our speech as it goes out; the journal's lock guards its fields. */
    private static final class Speech implements Noted {
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

    /**
     * @param onAllReported hears of each session that has reported everything ({@link #allReported})
     */
    CallJournal(CallStart start, Clock clock, CallRecording recording, int maxTurns, Consumer<CallJournal> onAllReported) {
        this.callSid = start.callSid();
        this.streamSid = start.streamSid();
        this.parameters = start.parameters();
        this.clock = clock;
        this.startedAt = start.startedAt();
        this.recording = recording;
        this.maxTurns = maxTurns;
        this.onAllReported = onAllReported;
    }

    String callSid() {
        return callSid;
    }

    CallRecording recording() {
        return recording;
    }

    /**
     * Another session of the call reports here, one whose earlier session has ended but not yet reported
     * everything: its audio goes on the recording from when it started.
     */
    void attach(CallStart start) {
        lock.lock();
        try {
            sessions++;
            streamSid = start.streamSid();
            farEndOrigin = recording.position(start.startedAt());
            farEndBytes = 0;
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

    @Override
    public void streamRestarted(String stream, Instant at) {
        // Placed by when it starts: the recording shows the gap the restart left as silence.
        farEndOrigin = recording.position(at);
        farEndBytes = 0;
        lock.lock();
        try {
            streamRestarts++;
            streamSid = stream;
        } finally {
            lock.unlock();
        }
    }

    /** Placed by how much audio the stream has carried: Twilio sends it in real time, without gaps. */
    @Override
    public void farEndAudio(byte[] mulaw) {
        recording.farEnd(farEndOrigin + farEndBytes, mulaw);
        farEndBytes += mulaw.length;
    }

    /** Reported once per session, for the reason the session decided on. */
    @Override
    public void ended(CallEnd reason, Instant at) {
        lock.lock();
        try {
            end = reason;
            endedAt = at;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void allReported() {
        onAllReported.accept(this);
    }

    @Override
    public void heard(Utterance utterance, Optional<Instant> sttStartedAt) {
        lock.lock();
        try {
            add(new Heard(utterance, sttStartedAt));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void keyPressed(String digit, Instant at) {
        lock.lock();
        try {
            CallRecord.Key key = new CallRecord.Key(digit, at);
            if (!turns.isEmpty() && turns.getLast() instanceof KeysPressed pressed) { // the next key of a run joins it
                if (hold()) {
                    pressed.keys().add(key);
                }
            } else {
                add(new KeysPressed(new ArrayList<>(List.of(key))));
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void speaking(String mark, String text, Instant at) {
        lock.lock();
        try {
            Speech speech = new Speech(++ourSpeeches, text, at);
            if (add(speech)) {
                unfinished.put(mark, speech);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void firstAudio(String mark, Instant at) {
        lock.lock();
        try {
            Speech speech = unfinished.get(mark);
            if (speech != null) {
                speech.firstAudioAt = at;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Placed where Twilio plays it: after whatever we sent before it, from the moment it went out. */
    @Override
    public void ourAudio(byte[] mulaw) {
        if (recording.isOn()) {
            recording.ours(clock.instant(), mulaw);
        }
    }

    @Override
    public void sent(String mark, Duration audio) {
        lock.lock();
        try {
            Speech speech = unfinished.get(mark);
            if (speech != null) {
                speech.audio = audio;
                speech.mark = mark;
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void failed(String mark, Duration audio, String error, Instant at) {
        lock.lock();
        try {
            Speech speech = unfinished.remove(mark);
            if (speech != null) {
                speech.audio = audio;
                speech.outcome = "failed";
                speech.error = error;
                speech.playbackEndedAt = at;
            }
        } finally {
            lock.unlock();
        }
    }

    /** What was playing stops now, and our recorded side is cut here. */
    @Override
    public void cleared(Instant at) {
        recording.cutOurs(at);
        lock.lock();
        try {
            for (Speech speech : unfinished.values()) {
                if (speech.clearedAt == null) {
                    speech.clearedAt = at;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void playbackEnded(String mark, PlaybackReport.Outcome outcome, Instant at) {
        lock.lock();
        try {
            Speech speech = unfinished.remove(mark);
            if (speech != null) {
                speech.playbackEndedAt = at;
                speech.outcome = outcome.name().toLowerCase(Locale.ROOT);
            }
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
            for (Noted turn : turns) {
                if (turn instanceof Speech speech) {
                    speeches.add(speech);
                } else if (turn instanceof Heard h) {
                    heard.add(h);
                }
            }
            heard.sort(Comparator.comparing(h -> h.utterance().startedAt()));
            List<CallRecord.Entry> record = new ArrayList<>(turns.size());
            for (Noted turn : turns) {
                record.add(switch (turn) {
                    case Heard h -> farEnd(h, speeches);
                    case Speech speech -> ours(speech, heard);
                    case KeysPressed pressed -> new CallRecord.Keys(pressed.keys());
                });
            }
            // Turns are noted when they are known (a far-end turn once transcribed), so they are put in the
            // order they began; the sort is stable, so equal times keep the order they were noted in.
            record.sort(Comparator.comparing(CallRecord.Entry::at));
            return new CallRecord(callSid, streamSid, parameters, startedAt, Optional.ofNullable(endedAt),
                    Optional.ofNullable(end), record, dropped, streamRestarts, Optional.empty());
        } finally {
            lock.unlock();
        }
    }

    /** With the lock held: notes a turn, unless the record is full; true if it was noted. */
    private boolean add(Noted turn) {
        if (!hold()) {
            return false;
        }
        turns.add(turn);
        return true;
    }

    /** With the lock held: takes room for one entry (a turn, or a key joining a run), or counts it dropped. */
    private boolean hold() {
        if (held >= maxTurns) {
            dropped++;
            return false;
        }
        held++;
        return true;
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
}
