package callbridge.carrier;

import callbridge.audio.Frames;
import callbridge.twilio.CallIds;
import callbridge.twilio.MediaMessage;
import callbridge.twilio.TwilioMessages;
import callbridge.websocket.ClientConnection;
import callbridge.websocket.CloseCodes;

import java.io.IOException;
import java.util.Base64;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One party of a local call as Twilio faces it: the media stream Twilio opened to that party's server, and
 * what Twilio sends it ({@code media}, {@code mark} echoes, {@code dtmf}, {@code stop}). Two threads send to a
 * party (the direction that plays the other party's audio to it, and the one that echoes its own marks), so
 * each message takes its {@code sequenceNumber} and goes out under one lock: the numbers arrive in order.
 * The lock is a {@link ReentrantLock}, not {@code synchronized}: a blocking write inside {@code synchronized}
 * pins a virtual thread on JDK 21.
 */
final class Party {
    private final String name;
    private final CallIds ids;
    private final ClientConnection connection;
    private final long startNanos;
    private final ReentrantLock sendLock = new ReentrantLock();
    /** Rewritten for every frame (guarded by {@link #sendLock}): a frame's send allocates nothing but its base64. */
    private final MediaMessage media;
    /** A frame's payload in base64, rewritten for every frame under {@link #sendLock}: no array made per frame. */
    private final byte[] payload = new byte[4 * ((Frames.SAMPLES + 2) / 3)];
    /** {@code start} was message 1. Guarded by {@link #sendLock}. */
    private long sequence = 1;
    private long chunks;
    /** When a send began and has not returned: {@code 0} when none is under way. Read by the call's watchdog. */
    private volatile long sendingSince;

    /**
     * @param name       how the report and the log name this party: "the agent", "callbridge"
     * @param startNanos when {@code start} went out
     */
    Party(String name, CallIds ids, ClientConnection connection, long startNanos) {
        this.name = name;
        this.ids = ids;
        this.connection = connection;
        this.startNanos = startNanos;
        this.media = new MediaMessage(ids.streamSid());
    }

    String name() {
        return name;
    }

    CallIds ids() {
        return ids;
    }

    ClientConnection connection() {
        return connection;
    }

    /** One 20 ms frame of what the other party says, as Twilio sends the caller's audio: 160 mu-law bytes. */
    void media(byte[] frame, long now) throws IOException {
        sendLock.lock();
        try {
            Base64.getEncoder().encode(frame, payload); // frame: always one whole 20 ms frame (Direction pads a part)
            sendingSince = now;
            chunks++;
            // Twilio's timestamp: milliseconds since the stream began.
            int length = media.write(++sequence, chunks, (now - startNanos) / 1_000_000, payload);
            connection.sendText(media.bytes(), 0, length);
        } finally {
            sendingSince = 0;
            sendLock.unlock();
        }
    }

    /** The echo of this party's mark: the audio before it has played (or was cleared). */
    void markPlayed(String markName) throws IOException {
        send(sequence -> TwilioMessages.mark(sequence, ids.streamSid(), markName));
    }

    /** A key the other party pressed, as Twilio reports it: one {@code dtmf} message a key. */
    void dtmf(String digit) throws IOException {
        send(sequence -> TwilioMessages.dtmf(sequence, ids.streamSid(), digit));
    }

    /** {@code stop}, then the closing handshake, as Twilio ends a stream; a party already gone is not an error. */
    void stop() {
        try {
            send(sequence -> TwilioMessages.stop(sequence, ids.streamSid(), ids.callSid(), ids.accountSid()));
        } catch (IOException e) {
            // the party closed first: there is nobody left to tell
        }
        connection.close(CloseCodes.NORMAL, "call ended");
    }

    /** Drops the connection at once: for a party that stopped reading, whose sends would never return. */
    void abort() {
        connection.abort();
    }

    /** How long the send under way has waited for the party to read; 0 when none is under way. */
    long sendingForNanos(long now) {
        long since = sendingSince;
        return since == 0 ? 0 : now - since;
    }

    private interface Message {
        String withSequence(long sequence);
    }

    private void send(Message message) throws IOException {
        sendLock.lock();
        try {
            sendingSince = System.nanoTime();
            connection.sendText(message.withSequence(++sequence));
        } finally {
            sendingSince = 0;
            sendLock.unlock();
        }
    }
}
