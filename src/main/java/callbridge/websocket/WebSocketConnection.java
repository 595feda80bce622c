package callbridge.websocket;

import callbridge.http.Linger;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server end of one WebSocket connection after its handshake: a blocking read loop on the
 * connection's own (virtual) thread, and sends that are safe from any thread ({@link FrameSender}). This
 * server speaks a text-only protocol (Twilio media streams): {@link MessageAssembler} refuses binary with 1003.
 *
 * <p>No peer can hold this connection, or anyone who uses it, for long: a data message must arrive within
 * the idle timeout of the last one (pings and pongs do not count, so a peer sending nothing but control
 * frames is closed too; {@link IdleSweeper} watches), every write has a deadline after which the
 * connection is dropped, and {@link #close} never waits for the peer.
 */
public final class WebSocketConnection {
    /** Twilio's largest messages (start, with custom parameters) are a few KiB. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;
    /** How long we wait for the peer's close frame once we sent ours (RFC 6455 7.1.1). */
    static final Duration CLOSE_HANDSHAKE_TIMEOUT = Duration.ofSeconds(2);

    private static final System.Logger LOG = System.getLogger(WebSocketConnection.class.getName());
    private static final AtomicLong IDS = new AtomicLong();

    private final Socket socket;
    private final InputStream in;
    private final FrameReader reader;
    private final FrameSender sender;
    private final long idleTimeoutNanos;
    private final int maxMessageBytes;
    private final String name;
    /** When the last data message arrived ({@link System#nanoTime()}); read by {@link IdleSweeper}. */
    private volatile long lastDataNanos = System.nanoTime();

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
        this.in = in;
        this.reader = new FrameReader(in, maxMessageBytes);
        this.idleTimeoutNanos = idleTimeout.toNanos();
        this.maxMessageBytes = maxMessageBytes;
        this.name = "ws-" + IDS.incrementAndGet() + " " + socket.getRemoteSocketAddress();
        this.sender = new FrameSender(socket, writeTimeout, name);
        socket.setSoTimeout(0); // reads wait for the peer; the idle sweeper bounds how long (the head had a deadline)
    }

    public void sendText(String text) throws IOException {
        sender.send(Frame.of(Opcode.TEXT, text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Starts the closing handshake (RFC 6455 7.1.2) and returns at once: from now on nothing else is sent,
     * and the close frame goes out on a thread of its own, because a send in progress to a peer that does
     * not read holds the send lock until its write deadline. The read loop finishes the handshake when the
     * peer answers, or the connection is dropped if it does not answer in time. Safe to call more than once,
     * from any thread.
     */
    public void close(int code, String reason) {
        CloseFrame close = new CloseFrame(code, reason);
        if (sender.decideClose(close)) {
            sender.closeInBackground(close, CLOSE_HANDSHAKE_TIMEOUT);
        }
    }

    public boolean isOpen() {
        return sender.ourClose() == null && !socket.isClosed();
    }

    /** Reads until the connection ends, passing messages to {@code listener}; returns when it is closed. */
    public void serve(WebSocketListener listener) {
        IdleSweeper.SHARED.watch(this);
        CloseFrame status;
        try {
            status = readUntilClosed(listener);
        } finally {
            IdleSweeper.SHARED.forget(this);
        }
        sender.closeSocket();
        LOG.log(Level.DEBUG, "{0} closed: {1} {2}", name, status.code(), status.reason());
        listener.onClose(this, status);
    }

    @Override
    public String toString() {
        return name;
    }

    long idleTimeoutNanos() {
        return idleTimeoutNanos;
    }

    /**
     * Called by {@link IdleSweeper}: closes a connection whose last data message is older than the idle
     * timeout, with 1001; or with 1008 when a frame has been arriving for all that time and is still not
     * whole (RFC 6455 7.4.1: a message that violates the endpoint's policy, here its time limit).
     */
    void closeIfIdle(long nowNanos) {
        if (sender.ourClose() == null && nowNanos - lastDataNanos > idleTimeoutNanos) {
            if (reader.inFrame()) {
                close(CloseCodes.POLICY_VIOLATION, "frame not complete in time");
            } else {
                close(CloseCodes.GOING_AWAY, "idle timeout");
            }
        }
    }

    private CloseFrame readUntilClosed(WebSocketListener listener) {
        MessageAssembler assembler = new MessageAssembler(maxMessageBytes);
        try {
            while (true) {
                Optional<CloseFrame> ended = handle(reader.read(), assembler, listener);
                if (ended.isPresent()) {
                    return ended.get();
                }
            }
        } catch (ProtocolException violation) {
            // The peer's garbage, answered with a close code: worth one DEBUG line, never a flood of INFO.
            LOG.log(Level.DEBUG, "{0}: {1}, closing with {2}", name, violation.getMessage(), violation.closeCode());
            failConnection(violation.closeCode(), violation.getMessage());
            return new CloseFrame(violation.closeCode(), violation.getMessage());
        } catch (IOException dropped) {
            CloseFrame ours = sender.ourClose();
            if (ours != null) {
                return ours;
            }
            if (!(dropped instanceof EOFException)) {
                LOG.log(Level.DEBUG, "{0} dropped: {1}", name, dropped.toString());
            }
            return new CloseFrame(CloseCodes.ABNORMAL, "connection dropped without a close frame");
        }
    }

    /** Acts on one frame; the peer's close frame when the connection is done. */
    private Optional<CloseFrame> handle(Frame frame, MessageAssembler assembler, WebSocketListener listener)
            throws IOException, ProtocolException {
        switch (frame.opcode()) {
            // RFC 6455 5.5.2: answer a ping with a pong carrying the same payload, unless closing.
            case PING -> sender.sendUnlessClosing(Frame.of(Opcode.PONG, frame.payload()));
            // 5.5.3: an unsolicited pong is allowed and needs no answer.
            case PONG -> {
            }
            case CLOSE -> {
                CloseFrame peerClose = CloseFrame.parse(frame.payload());
                // 5.5.1: echo the status code, unless our own close is already out or on its way.
                CloseFrame echo = new CloseFrame(peerClose.code(), "");
                if (sender.decideClose(echo)) {
                    sender.writeClose(echo, CLOSE_HANDSHAKE_TIMEOUT);
                }
                return Optional.of(peerClose);
            }
            default -> {
                Optional<String> message = assembler.accept(frame);
                // After we sent close, data may still arrive; RFC 6455 7.1.2 lets us discard it.
                if (message.isPresent() && sender.ourClose() == null) {
                    lastDataNanos = System.nanoTime(); // only data keeps a connection alive, never pings
                    deliver(listener, message.get());
                }
            }
        }
        return Optional.empty();
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
     * RFC 6455 7.1.7 "Fail the WebSocket Connection": send the close frame, then close TCP, after letting
     * what is still in flight arrive (see {@link Linger}).
     */
    private void failConnection(int code, String reason) {
        CloseFrame close = new CloseFrame(code, reason);
        if (sender.decideClose(close)) {
            sender.writeClose(close, CLOSE_HANDSHAKE_TIMEOUT);
        }
        Linger.drain(socket, in, CLOSE_HANDSHAKE_TIMEOUT, maxMessageBytes);
    }
}
