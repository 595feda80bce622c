package callbridge.websocket;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The sending half of a server WebSocket connection: whole frames, one at a time, from any thread, each
 * within a write deadline, and nothing after our close frame (RFC 6455 5.5.1).
 *
 * <p>The channel is non-blocking (a {@link ReadSelector} reads it), so a send writes what the socket takes
 * at once and, only when its buffer is full, waits for the rest on the sending thread
 * ({@link ChannelWaits#write}); a send the peer does not take in time drops the connection. Sends take turns
 * through one permit, a {@link Semaphore} rather than a lock: a pong is begun on the selector thread,
 * which must never wait, and when the socket does not take all of it at once another thread finishes it,
 * still holding the permit so no frame can slip into the middle. (A semaphore also never pins a virtual
 * thread's carrier, as a blocking write inside {@code synchronized} would on JDK 21.)
 */
final class FrameSender {
    private static final System.Logger LOG = System.getLogger(WebSocketConnection.class.getName());

    private final SocketChannel channel;
    private final Duration writeTimeout;
    private final String name;
    /** Drops the connection at once: for a peer that does not take what we send, or a frame cut short. */
    private final Runnable dropConnection;
    private final Semaphore sendPermit = new Semaphore(1);
    /**
     * Our close frame, from the moment we decide to send it; after that nothing else may be sent, even while
     * the close frame itself still waits for the send permit.
     */
    private final AtomicReference<CloseFrame> ourClose = new AtomicReference<>();
    /** The payload of the latest ping not answered yet, while a pong is on its way; see {@link #pong}. */
    private final AtomicReference<byte[]> pongPayload = new AtomicReference<>();

    FrameSender(SocketChannel channel, Duration writeTimeout, String name, Runnable dropConnection) {
        this.channel = channel;
        this.writeTimeout = writeTimeout;
        this.name = name;
        this.dropConnection = dropConnection;
    }

    /** Decides that {@code close} is our close frame; false when one was decided already. */
    boolean decideClose(CloseFrame close) {
        return ourClose.compareAndSet(null, close);
    }

    /** Our close frame, once decided; null before. */
    CloseFrame ourClose() {
        return ourClose.get();
    }

    void send(Frame frame) throws IOException {
        if (!sendUnlessClosing(frame)) {
            throw new IOException(name + " is closing; nothing more may be sent");
        }
    }

    /** Sends the frame, or nothing (and false) once our close frame is decided. */
    boolean sendUnlessClosing(Frame frame) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(FrameWriter.encode(frame));
        sendPermit.acquireUninterruptibly();
        try {
            // The close is decided before its frame takes the permit, so a send that gets the permit after
            // the decision sees it here and stops.
            if (ourClose.get() != null) {
                return false;
            }
            writeHoldingPermit(bytes);
            return true;
        } finally {
            sendPermit.release();
        }
    }

    /**
     * Answers a ping (RFC 6455 5.5.2) without ever making the caller, the selector thread, wait: when the
     * permit is free and the socket takes the pong at once, it goes out here, ahead of anything the
     * listener sends for later frames; otherwise another thread sends it. 5.5.3 lets a pong answer only the
     * latest of several pings, so a peer that pings faster than the pongs go out gets one pong in flight,
     * never a pile of threads.
     */
    void pong(byte[] payload) {
        if (pongPayload.getAndSet(payload) != null) {
            return; // the pong on its way takes this payload instead
        }
        if (!sendPermit.tryAcquire()) {
            Thread.ofVirtual().name(name + " pong").start(this::sendLatestPong);
            return;
        }
        ByteBuffer bytes = ByteBuffer.wrap(FrameWriter.encode(Frame.of(Opcode.PONG, pongPayload.getAndSet(null))));
        try {
            if (ourClose.get() == null) {
                channel.write(bytes);
            }
        } catch (IOException e) {
            sendPermit.release();
            dropConnection.run(); // the peer is gone; the read side notices
            return;
        }
        if (!bytes.hasRemaining() || bytes.position() == 0 && ourClose.get() != null) {
            sendPermit.release();
            return;
        }
        Thread.ofVirtual().name(name + " pong").start(() -> {
            try {
                writeHoldingPermit(bytes);
            } catch (IOException e) {
                // dropped; the read side notices
            } finally {
                sendPermit.release();
            }
        });
    }

    /**
     * Writes the decided close frame, all within {@code timeout}: the send permit is awaited for a bounded
     * time only (a send stuck on a peer that stopped reading holds it until its write deadline), and the
     * frame itself must go out in what is left of it, not in the ordinary write timeout: a peer whose
     * buffers are full would otherwise hold a closing connection, and a shutdown waiting for it, for the
     * whole write timeout. Dropping the connection then is the only way out, and it also frees a stuck sender.
     */
    void writeClose(CloseFrame close, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        ByteBuffer bytes = ByteBuffer.wrap(FrameWriter.encode(Frame.of(Opcode.CLOSE, close.toPayload())));
        try {
            if (!sendPermit.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                LOG.log(Level.INFO, "{0}: peer not reading; dropping the connection", name);
                dropConnection.run();
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            dropConnection.run();
            return;
        }
        try {
            writeHoldingPermit(bytes, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        } catch (IOException e) {
            // dropped; the read side notices
        } finally {
            sendPermit.release();
        }
    }

    /**
     * Writes {@code close} on a thread of its own and drops the connection {@code handshakeTimeout} later,
     * unless the read side has ended it first when the peer answered (RFC 6455 7.1.1).
     */
    void closeInBackground(CloseFrame close, Duration handshakeTimeout) {
        Thread.ofVirtual().name(name + " close").start(() -> {
            // One deadline for the whole handshake, the close frame's write included.
            long deadline = System.nanoTime() + handshakeTimeout.toNanos();
            writeClose(close, handshakeTimeout);
            try {
                Thread.sleep(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            dropConnection.run();
        });
    }

    private void sendLatestPong() {
        byte[] payload = pongPayload.getAndSet(null);
        if (payload != null) {
            try {
                sendUnlessClosing(Frame.of(Opcode.PONG, payload));
            } catch (IOException e) {
                // dropped; the read side notices
            }
        }
    }

    /**
     * Writes one encoded frame whole, within the write timeout; the permit is held, so frames never
     * interleave. A frame that fails part way leaves the stream out of step, so any failure drops the
     * connection.
     */
    private void writeHoldingPermit(ByteBuffer bytes) throws IOException {
        writeHoldingPermit(bytes, writeTimeout);
    }

    private void writeHoldingPermit(ByteBuffer bytes, Duration timeout) throws IOException {
        try {
            ChannelWaits.write(channel, bytes, timeout);
        } catch (SocketTimeoutException e) {
            LOG.log(Level.INFO, "{0}: {1}", name, e.getMessage());
            dropConnection.run();
            throw e;
        } catch (IOException e) {
            dropConnection.run();
            throw e;
        }
    }
}
