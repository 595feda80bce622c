package callbridge.carrier;

import callbridge.twilio.CallStatus;
import callbridge.twilio.MalformedMessageException;
import callbridge.twilio.MediaStreamCommand;
import callbridge.twilio.TwilioMessages;
import callbridge.websocket.CloseFrame;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One call between two parties on this machine, both connected ({@link Dialer}): the caller (callbridge,
 * playing the simulated user) and the called party (the agent under test). Each party's messages are read on
 * its own virtual thread; each {@link Direction} sends on its own, so a party that stops reading holds up
 * only its own call. Whoever ends the call (either party closing its stream, a hang-up through
 * {@link LocalCarrier#hangUp}, a party breaking Twilio's rules, a send that waits past
 * {@link #WRITE_DEADLINE}), both parties get {@code stop} and a close, once.
 */
final class LocalCall {
    private static final System.Logger LOG = System.getLogger(LocalCall.class.getName());
    /** A party that has not read a message for this long has stopped reading: the call is ended. */
    static final Duration WRITE_DEADLINE = Duration.ofSeconds(5);
    /**
     * Between two keys pressed: a phone's tone lasts some 100 ms with as long a gap after it, and Twilio
     * reports each key once it has ended, so keys pressed in a row reach the agent this far apart.
     */
    static final Duration KEY_INTERVAL = Duration.ofMillis(200);
    /** How often the watchdog looks at the sends under way. */
    private static final Duration WATCH_EVERY = Duration.ofMillis(500);

    /** Hears every frame the bridge hands on: for the benchmark's figures. */
    interface FrameListener {
        /** @param delayNanos from the frame being ready (arrived whole, its slot come) to its send returning */
        void handedOn(boolean toCaller, long delayNanos);

        FrameListener NONE = (toCaller, delayNanos) -> {
        };
    }

    private final Party caller;
    private final Party called;
    /** What the called party says, played to the caller; and the other way round. */
    private final Direction toCaller;
    private final Direction toCalled;
    private final FrameListener frames;
    private final AtomicReference<String> endedBecause = new AtomicReference<>();
    private final CountDownLatch ended = new CountDownLatch(1);

    private LocalCall(Party caller, Party called, FrameListener frames) {
        this.caller = caller;
        this.called = called;
        long start = System.nanoTime();
        this.toCaller = new Direction(called.name(), start);
        this.toCalled = new Direction(caller.name(), start);
        this.frames = frames;
    }

    /** Bridges the two connected parties until one of them, or {@link #end}, ends the call. */
    static LocalCall bridge(Party caller, Party called, FrameListener frames) {
        LocalCall call = new LocalCall(caller, called, frames);
        String sid = caller.ids().callSid();
        Thread.ofVirtual().name("carrier " + sid + " read caller").start(() -> call.read(caller, call.toCalled));
        Thread.ofVirtual().name("carrier " + sid + " read called").start(() -> call.read(called, call.toCaller));
        Thread.ofVirtual().name("carrier " + sid + " to caller").start(() -> call.play(call.toCaller, called, caller));
        Thread.ofVirtual().name("carrier " + sid + " to called").start(() -> call.play(call.toCalled, caller, called));
        Thread.ofVirtual().name("carrier " + sid + " watchdog").start(call::watch);
        return call;
    }

    String callSid() {
        return caller.ids().callSid();
    }

    /** The called party's own CallSid: on Twilio, the call its number received is a call of its own. */
    String calledSid() {
        return called.ids().callSid();
    }

    CallStatus status() {
        return endedBecause.get() == null ? CallStatus.IN_PROGRESS : CallStatus.COMPLETED;
    }

    /** Why the call ended; empty while it lasts. */
    Optional<String> endedBecause() {
        return Optional.ofNullable(endedBecause.get());
    }

    boolean awaitEnd(Duration timeout) throws InterruptedException {
        return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The caller presses {@code digits}: each goes to the called party as a {@code dtmf} message, in order,
     * {@link #KEY_INTERVAL} apart. The keys go nowhere else: the caller pressed them, and Twilio tells only the
     * stream of the party that did not.
     *
     * @throws IOException when the call has ended, or the stream to the called party failed (which ends it)
     */
    void pressKeys(String digits) throws IOException, InterruptedException {
        for (int i = 0; i < digits.length(); i++) {
            if (i > 0) {
                Thread.sleep(KEY_INTERVAL); // a phone's pace, the one honest sleep: keys take time to press
            }
            if (endedBecause.get() != null) {
                throw new IOException("the call ended before its keys were pressed: " + endedBecause.get());
            }
            try {
                called.dtmf(digits.substring(i, i + 1));
            } catch (IOException e) {
                end("the stream to " + called.name() + " failed: " + e.getMessage());
                throw e;
            }
        }
    }

    /** Ends the call for both parties, once: {@code stop} and a close to each, on a thread of its own. */
    void end(String why) {
        if (!endedBecause.compareAndSet(null, why)) {
            return;
        }
        LOG.log(Level.INFO, "local call {0}: ended: {1}", callSid(), why);
        toCaller.stop();
        toCalled.stop();
        Thread.ofVirtual().name("carrier " + callSid() + " end").start(() -> {
            // One at a time would let a party that stopped reading hold the other's stop: each on its own.
            Thread first = Thread.ofVirtual().start(caller::stop);
            Thread second = Thread.ofVirtual().start(called::stop);
            try {
                if (!first.join(WRITE_DEADLINE)) {
                    caller.abort();
                }
                if (!second.join(WRITE_DEADLINE)) {
                    called.abort();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                ended.countDown();
            }
        });
    }

    /** Reads a party's messages, as Twilio would take them, until its stream closes. */
    private void read(Party party, Direction spoken) {
        CloseFrame status = party.connection().readUntilClosed(text -> onMessage(party, spoken, text));
        end(party.name() + " closed its media stream (" + status.code() + (status.reason().isEmpty() ? "" : " " + status.reason()) + ")");
    }

    private void onMessage(Party party, Direction spoken, String text) {
        long now = System.nanoTime();
        Optional<MediaStreamCommand> command;
        try {
            command = TwilioMessages.decode(text);
        } catch (MalformedMessageException e) {
            end(party.name() + " sent a malformed message (" + e.getMessage() + "); Twilio would end the stream");
            return;
        }
        if (command.isEmpty()) {
            return; // an event Twilio does not take: Twilio ignores it, and so does the carrier
        }
        switch (command.get()) {
            case MediaStreamCommand.Media media -> spoken.audio(media.payload(), now);
            case MediaStreamCommand.Mark mark -> spoken.mark(mark.name(), now);
            case MediaStreamCommand.Clear clear -> echo(party, spoken.clear(now));
        }
        spoken.overflow().ifPresent(this::end);
    }

    /** Plays one direction to its listener until the call ends. */
    private void play(Direction direction, Party speaker, Party listener) {
        boolean toCaller = listener == caller;
        try {
            direction.run(new Direction.Output() {
                @Override
                public void frame(byte[] mulaw, long now, boolean speech, long readyNanos) throws Exception {
                    listener.media(mulaw, now);
                    if (speech) {
                        frames.handedOn(toCaller, System.nanoTime() - readyNanos);
                    }
                }

                @Override
                public void marksPlayed(List<String> names) throws Exception {
                    echo(speaker, names);
                }
            });
        } catch (Exception e) {
            end("the stream to " + listener.name() + " failed: " + e.getMessage());
        }
        direction.overflow().ifPresent(this::end);
    }

    private void echo(Party party, List<String> marks) {
        try {
            for (String name : marks) {
                party.markPlayed(name);
            }
        } catch (Exception e) {
            end("the stream to " + party.name() + " failed: " + e.getMessage());
        }
    }

    /** Ends the call when a party has left a send waiting past {@link #WRITE_DEADLINE}: it stopped reading. */
    private void watch() {
        try {
            while (!ended.await(WATCH_EVERY.toMillis(), TimeUnit.MILLISECONDS)) {
                long now = System.nanoTime();
                for (Party party : List.of(caller, called)) {
                    if (party.sendingForNanos(now) > WRITE_DEADLINE.toNanos()) {
                        end(party.name() + " stopped reading its media stream (a message waited over "
                                + WRITE_DEADLINE.toSeconds() + " s)");
                        party.abort();
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
