package callbridge.websocket;

import callbridge.http.DeadlineInputStream;
import callbridge.http.Linger;
import callbridge.http.WriteDeadline;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The server end of one WebSocket connection after its handshake: a blocking read loop on the
 * connection's own (virtual) thread, and sends that are safe from any thread.
 *
 * <p>This server speaks a text-only protocol (Twilio media streams): {@link MessageAssembler} refuses a
 * binary message with 1003. Sends are serialized with a {@link ReentrantLock} rather than {@code synchronized}: on JDK 21 a
 * virtual thread blocked in a socket write inside {@code synchronized} would pin its carrier thread.
 *
 * <p>No peer can hold this connection, or anyone who uses it, for long: a data message must arrive within
 * the idle timeout of the last one (pings and pongs do not count, so a peer sending nothing but control
 * frames is closed too), every write has a deadline after which the connection is dropped, and
 * {@link #close} never waits for the peer.
 */
public final class WebSocketConnection {
    /** Twilio's largest messages (start, with custom parameters) are a few KiB. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;
    /** How long we wait for the peer's close frame once we sent ours (RFC 6455 7.1.1). */
    static final Duration CLOSE_HANDSHAKE_TIMEOUT = Duration.ofSeconds(2);

    private static final System.Logger LOG = System.getLogger(WebSocketConnection.class.getName());
    private static final AtomicLong IDS = new AtomicLong();

    private final Socket socket;
    private final InputStream buffered;
    private final DeadlineInputStream in;
    private final OutputStream out;
    private final Duration idleTimeout;
    private final Duration writeTimeout;
    private final int maxMessageBytes;
    private final String name;
    private final ReentrantLock sendLock = new ReentrantLock();
    /**
     * Our close frame, from the moment we decide to send it; after that nothing else may be sent
     * (RFC 6455 5.5.1), even while the close frame itself still waits for the send lock.
     */
    private final AtomicReference<CloseFrame> ourClose = new AtomicReference<>();

    /**
     * @param socket          the upgraded connection
     * @param in              its input, buffered: it may already hold the first frames
     * @param idleTimeout     with no data message received for this long, we close with 1001
     * @param writeTimeout    a send the peer does not take within this time drops the connection
     * @param maxMessageBytes larger messages are refused with 1009
     */
    public WebSocketConnection(Socket socket, InputStream in, Duration idleTimeout, Duration writeTimeout,
                               int maxMessageBytes) throws IOException {
        this.socket = socket;
        this.buffered = in;
        this.in = new DeadlineInputStream(socket, in, "WebSocket message");
        this.out = socket.getOutputStream();
        this.idleTimeout = idleTimeout;
        this.writeTimeout = writeTimeout;
        this.maxMessageBytes = maxMessageBytes;
        this.name = "ws-" + IDS.incrementAndGet() + " " + socket.getRemoteSocketAddress();
    }

    public void sendText(String text) throws IOException {
        send(Frame.of(Opcode.TEXT, text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Starts the closing handshake (RFC 6455 7.1.2) and returns at once: from now on nothing else is sent,
     * and the close frame goes out on a thread of its own, because a send in progress to a peer that does
     * not read holds the send lock until its write deadline. The read loop finishes the handshake when the
     * peer answers, or drops the connection if it does not answer in time. Safe to call more than once,
     * from any thread.
     */
    public void close(int code, String reason) {
        CloseFrame close = new CloseFrame(code, reason);
        if (ourClose.compareAndSet(null, close)) {
            Thread.ofVirtual().name(name + " close").start(() -> {
                writeClose(close);
                dropAfterCloseTimeout();
            });
        }
    }

    public boolean isOpen() {
        return ourClose.get() == null && !socket.isClosed();
    }
    /** Reads until the connection ends, passing messages to {@code listener}; returns when it is closed. */
    public void serve(WebSocketListener listener) {
        CloseFrame status = readUntilClosed(listener);
        closeSocket();
        LOG.log(Level.DEBUG, "{0} closed: {1} {2}", name, status.code(), status.reason());
        listener.onClose(this, status);
    }

    @Override
    public String toString() {
        return name;
    }

    private CloseFrame readUntilClosed(WebSocketListener listener) {
        FrameReader reader = new FrameReader(in, maxMessageBytes);
        MessageAssembler assembler = new MessageAssembler(maxMessageBytes);
        try {
            in.deadlineIn(idleTimeout);
            while (true) {
                Frame frame;
                try {
                    frame = reader.read();
                } catch (SocketTimeoutException idle) {
                    close(CloseCodes.GOING_AWAY, "idle timeout");
                    in.noDeadline(); // wait for the peer's close; the close timer ends this otherwise
                    continue;
                }
                switch (frame.opcode()) {
                    case PING -> {
                        // RFC 6455 5.5.2: answer with a pong carrying the same payload, unless closing.
                        sendUnlessClosing(Frame.of(Opcode.PONG, frame.payload()));
                    }
                    case PONG -> {
                        // RFC 6455 5.5.3: an unsolicited pong is allowed and needs no answer.
                    }
                    case CLOSE -> {
                        CloseFrame peerClose = CloseFrame.parse(frame.payload());
                        // 5.5.1: echo the status code, unless our own close is already out or on its way.
                        CloseFrame echo = new CloseFrame(peerClose.code(), "");
                        if (ourClose.compareAndSet(null, echo)) {
                            writeClose(echo);
                        }
                        return peerClose;
                    }
                    default -> {
                        var message = assembler.accept(frame);
                        // After we sent close, data may still arrive; RFC 6455 7.1.2 lets us discard it.
                        if (message.isPresent() && ourClose.get() == null) {
                            in.deadlineIn(idleTimeout); // only data keeps a connection alive, never pings
                            deliver(listener, message.get());
                        }
                    }
                }
            }
        } catch (ProtocolException violation) {
            // The peer's garbage, answered with a close code: worth one DEBUG line, never a flood of INFO.
            LOG.log(Level.DEBUG, "{0}: {1}, closing with {2}", name, violation.getMessage(), violation.closeCode());
            failConnection(violation.closeCode(), violation.getMessage());
            return new CloseFrame(violation.closeCode(), violation.getMessage());
        } catch (IOException dropped) {
            CloseFrame ours = ourClose.get();
            if (ours != null) {
                return ours;
            }
            if (!(dropped instanceof EOFException)) {
                LOG.log(Level.DEBUG, "{0} dropped: {1}", name, dropped.toString());
            }
            return new CloseFrame(CloseCodes.ABNORMAL, "connection dropped without a close frame");
        }
    }

    private void deliver(WebSocketListener listener, String message) {
        try {
            listener.onText(this, message);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, name + ": message handler failed", e);
            close(CloseCodes.INTERNAL_ERROR, "internal error");
        }
    }

    /**
     * Writes the close frame {@link #ourClose} now holds. The send lock is awaited for a bounded time only:
     * a send stuck on a peer that stopped reading holds it until its write deadline. Dropping the
     * connection then is the only way out, and it also frees the stuck sender.
     */
    private void writeClose(CloseFrame close) {
        byte[] bytes = FrameWriter.encode(Frame.of(Opcode.CLOSE, close.toPayload()));
        try {
            if (!sendLock.tryLock(CLOSE_HANDSHAKE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.log(Level.INFO, "{0}: peer not reading; dropping the connection", name);
                closeSocket();
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeSocket();
            return;
        }
        try {
            writeLocked(bytes);
        } catch (IOException e) {
            closeSocket(); // the peer is gone; the read loop will notice
        } finally {
            sendLock.unlock();
        }
    }

    private void send(Frame frame) throws IOException {
        if (!sendUnlessClosing(frame)) {
            throw new IOException(name + " is closing; nothing more may be sent");
        }
    }

    /** Sends the frame, or nothing (and false) once our close frame is decided. */
    private boolean sendUnlessClosing(Frame frame) throws IOException {
        byte[] bytes = FrameWriter.encode(frame);
        sendLock.lock();
        try {
            // RFC 6455 5.5.1: nothing may follow our close frame. The close is decided before its frame
            // takes this lock, so a send that gets the lock after the decision sees it here and stops.
            if (ourClose.get() != null) {
                return false;
            }
            writeLocked(bytes);
            return true;
        } finally {
            sendLock.unlock();
        }
    }

    /**
     * Writes one encoded frame whole, within the write timeout; {@link #sendLock} must be held, so frames
     * never interleave.
     */
    private void writeLocked(byte[] bytes) throws IOException {
        try {
            WriteDeadline.write(socket, out, bytes, writeTimeout);
        } catch (SocketTimeoutException e) {
            LOG.log(Level.INFO, "{0}: {1}", name, e.getMessage());
            throw e;
        }
    }

    /**
     * RFC 6455 7.1.7 "Fail the WebSocket Connection": send the close frame, then close TCP, after letting
     * what is still in flight arrive (see {@link Linger}).
     */
    private void failConnection(int code, String reason) {
        CloseFrame close = new CloseFrame(code, reason);
        if (ourClose.compareAndSet(null, close)) {
            writeClose(close);
        }
        Linger.drain(socket, buffered, CLOSE_HANDSHAKE_TIMEOUT, maxMessageBytes);
    }

    private void dropAfterCloseTimeout() {
        try {
            Thread.sleep(CLOSE_HANDSHAKE_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeSocket();
    }

    private void closeSocket() {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "{0}: close failed: {1}", name, e.toString());
        }
    }
}
