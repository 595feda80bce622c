package callbridge.websocket;

import callbridge.logging.LogText;
import callbridge.time.TokenBucket;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server end of one WebSocket connection after its handshake. Its frames are read and decoded on a
 * shared selector thread ({@link ReadSelector}, which says why), messages go to the listener from there;
 * the connection's own (virtual) thread waits in {@link #serve} for the read side to end, then finishes the
 * closing handshake and tells the listener. Sends are safe from any thread ({@link FrameSender}). This
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
    /**
     * A Twilio media stream sends 50 frames a second (one 20 ms media message each) and a few marks and
     * keys; four times that leaves room for a peer that fragments its messages.
     */
    static final int FRAMES_PER_SECOND = 200;
    /** A network stall of a few seconds delivers its frames at once: 5 s of a media stream is 250. */
    static final int FRAME_BURST = 1_000;
    /** How long {@link #closeNow} lets the close frame's write take: a peer that reads takes it at once. */
    static final Duration FAIL_WRITE_TIMEOUT = Duration.ofMillis(200);

    private static final System.Logger LOG = System.getLogger(WebSocketConnection.class.getName());
    private static final AtomicLong IDS = new AtomicLong();

    private final SocketChannel channel;
    private final FrameSender sender;
    private final long idleTimeoutNanos;
    private final int maxMessageBytes;
    private final String name;
    private final ReadSelector selector;
    private final IdleSweeper sweeper;
    /** Bytes that arrived with the upgrade request, read before the channel became non-blocking. */
    private final byte[] firstBytes;
    /** How the read side ended: completed on the selector thread, awaited by {@link #serve}. */
    private final CompletableFuture<ReadEnd> readEnd = new CompletableFuture<>();
    /** When the last data message arrived ({@link System#nanoTime()}); read by {@link IdleSweeper}. */
    private volatile long lastDataNanos = System.nanoTime();
    /** True while part of a frame has arrived and the rest has not; read by {@link IdleSweeper}. */
    private volatile boolean inFrame;

    // Owned by the selector thread from the moment serve() hands the connection to it.
    private final FrameDecoder decoder;
    private final MessageAssembler assembler;
    /**
     * How many frames the peer may send: every frame costs one, whatever its kind or size. An empty
     * continuation, a ping or a one-byte fragment costs a read, a decode and (for a ping) a pong, so a flood
     * of them is as much work as a flood of messages while carrying no data a message limit would see.
     */
    private final TokenBucket frames = new TokenBucket(FRAME_BURST, FRAMES_PER_SECOND, System.nanoTime());
    private WebSocketListener listener;
    private SelectionKey key;
    /**
     * The start of a frame whose rest has not arrived yet, with room for exactly as much as the decoder said
     * it still needs (the rest of the header, or once that is known the rest of the frame); reads go
     * straight into it. Null when every byte read so far was decoded.
     */
    private ByteBuffer partialFrame;
    private boolean readEnded;

    /**
     * @param channel         the upgraded connection, still blocking; from now on it is non-blocking
     * @param in              what the request head was read through: bytes it already holds (the first
     *                        frames, sent right behind the upgrade) are read first
     * @param idleTimeout     with no data message received for this long, we close with 1001
     * @param writeTimeout    a send the peer does not take within this time drops the connection
     * @param maxMessageBytes larger messages are refused with 1009
     * @param threads         the threads that read this connection's frames and watch it for idleness
     */
    public WebSocketConnection(SocketChannel channel, InputStream in, Duration idleTimeout, Duration writeTimeout,
                               int maxMessageBytes, WebSocketThreads threads) throws IOException {
        this.channel = channel;
        this.selector = threads.nextReader();
        this.sweeper = threads.sweeper();
        this.firstBytes = in.readNBytes(in.available());
        channel.configureBlocking(false);
        this.idleTimeoutNanos = idleTimeout.toNanos();
        this.maxMessageBytes = maxMessageBytes;
        this.decoder = FrameDecoder.ofClientFrames(maxMessageBytes);
        this.assembler = new MessageAssembler(maxMessageBytes);
        this.name = "ws-" + IDS.incrementAndGet() + " " + channel.getRemoteAddress();
        this.sender = new FrameSender(channel, writeTimeout, name, this::abort);
    }

    public void sendText(String text) throws IOException {
        sender.send(Frame.of(Opcode.TEXT, text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Starts the closing handshake (RFC 6455 7.1.2) and returns at once: from now on nothing else is sent,
     * and the close frame goes out on a thread of its own, because a send in progress to a peer that does
     * not read holds the send permit until its write deadline. The read side finishes the handshake when the
     * peer answers, or the connection is dropped if it does not answer in time. Safe to call more than once,
     * from any thread.
     */
    public void close(int code, String reason) {
        CloseFrame close = new CloseFrame(code, reason);
        if (sender.decideClose(close)) {
            sender.closeInBackground(close, CLOSE_HANDSHAKE_TIMEOUT);
        }
    }

    /**
     * Fails the connection (RFC 6455 7.1.7): our close frame goes out if the peer takes it within
     * {@link #FAIL_WRITE_TIMEOUT}, then TCP is closed, without waiting for the peer's answer. For a peer that
     * never became worth a closing handshake (refused before it did anything useful): a graceful close would
     * hold its connection for the whole handshake timeout, and a client opening such connections in a loop
     * would hold that many. Returns at once.
     */
    public void closeNow(int code, String reason) {
        CloseFrame close = new CloseFrame(code, reason);
        if (!sender.decideClose(close)) {
            abort();
            return;
        }
        Thread.ofVirtual().name(name + " fail").start(() -> {
            sender.writeClose(close, FAIL_WRITE_TIMEOUT);
            abort();
        });
    }

    /** Drops the connection at once, without a closing handshake; {@link #serve} then returns. Idempotent. */
    public void abort() {
        closeChannel();
        // A closed channel is no longer selected, so its selector thread is told.
        selector.execute(() -> endReading(new ReadEnd.Dropped(new AsynchronousCloseException())));
    }

    public boolean isOpen() {
        return sender.ourClose() == null && channel.isOpen();
    }

    /**
     * Serves the connection until it ends, then returns: messages go to {@code listener} on a selector
     * thread, and its {@link WebSocketListener#onClose} is called on this thread, after the last message.
     */
    public void serve(WebSocketListener listener) {
        this.listener = listener; // published to the selector thread by the hand-over below
        sweeper.watch(this);
        ReadEnd end;
        try {
            selector.execute(this::startReading, this);
            end = readEnd.join();
        } finally {
            sweeper.forget(this);
        }
        CloseFrame status = finish(end);
        abort();
        LOG.log(Level.DEBUG, "{0} closed: {1} {2}", name, status.code(), LogText.quote(status.reason())); // the peer's words
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
            if (inFrame) {
                close(CloseCodes.POLICY_VIOLATION, "frame not complete in time");
            } else {
                close(CloseCodes.GOING_AWAY, "idle timeout");
            }
        }
    }

    /** On the selector thread, as it stops for good: the connection is dropped, as nobody will read it again. */
    void readerStopped() {
        closeChannel();
        endReading(new ReadEnd.Dropped(new AsynchronousCloseException()));
    }

    private void closeChannel() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "{0}: close failed: {1}", name, e.toString());
        }
    }

    /** On the selector thread: the channel has bytes, or an end of stream, to read. */
    void onReadable(ReadSelector thread) {
        if (readEnded) {
            return;
        }
        // An unfinished frame reads into its own buffer until it holds what the decoder asked for, and only
        // then is decoded again: a peer that trickles a 64 KiB frame a byte at a time costs a copy of each
        // byte, not a copy (and a decode) of the whole prefix on every read.
        ByteBuffer buffer = partialFrame != null ? partialFrame : thread.readBuffer(decoder.maxFrameBytes());
        try {
            if (channel.read(buffer) < 0) {
                endReading(new ReadEnd.Dropped(new EOFException("connection closed")));
                return;
            }
        } catch (IOException e) {
            endReading(new ReadEnd.Dropped(e));
            return;
        }
        if (buffer == partialFrame) {
            if (buffer.hasRemaining()) {
                return;
            }
            partialFrame = null;
        }
        decodeAll(buffer.flip());
    }

    /** On the selector thread: registers for reads, after decoding what came with the upgrade. */
    private void startReading() {
        if (readEnded) {
            return; // dropped before it began
        }
        try {
            key = selector.register(channel, this);
        } catch (ClosedChannelException e) {
            endReading(new ReadEnd.Dropped(e));
            return;
        }
        decodeAll(ByteBuffer.wrap(firstBytes));
    }

    /** Acts on every whole frame in {@code bytes}; keeps the start of an unfinished one for the next read. */
    private void decodeAll(ByteBuffer bytes) {
        try {
            Frame frame;
            long now = System.nanoTime(); // every frame decoded from one read arrived together
            while (!readEnded && (frame = decoder.decode(bytes)) != null) {
                handle(frame, now);
            }
        } catch (ProtocolException violation) {
            // The peer's garbage, answered with a close code: worth one DEBUG line, never a flood of INFO.
            LOG.log(Level.DEBUG, "{0}: {1}, closing with {2}", name, violation.getMessage(), violation.closeCode());
            CloseFrame close = new CloseFrame(violation.closeCode(), violation.getMessage());
            endReading(new ReadEnd.Failed(close, sender.decideClose(close)));
        }
        if (!readEnded && bytes.hasRemaining()) {
            partialFrame = ByteBuffer.allocate(bytes.remaining() + decoder.missing()).put(bytes);
        }
        inFrame = partialFrame != null;
    }

    /** On the selector thread: acts on one frame. */
    private void handle(Frame frame, long nowNanos) throws ProtocolException {
        // Once our close is decided nothing is metered: data is discarded (RFC 6455 7.1.2), no pong goes out,
        // and the handshake's deadline bounds the rest; failing then could drop the connection before our
        // close frame is out, or report our 1008 instead of the peer's own close.
        if (sender.ourClose() == null && !frames.take(1, nowNanos)) {
            // RFC 6455 7.4.1: 1008 for a message (here a frame rate) that violates the endpoint's policy.
            throw new ProtocolException(CloseCodes.POLICY_VIOLATION, "frames faster than " + FRAMES_PER_SECOND + " a second");
        }
        switch (frame.opcode()) {
            // RFC 6455 5.5.2: answer a ping with a pong carrying the same payload, unless closing.
            case PING -> sender.pong(frame.payload());
            // 5.5.3: an unsolicited pong is allowed and needs no answer.
            case PONG -> {
            }
            case CLOSE -> {
                CloseFrame peerClose = CloseFrame.parse(frame.payload());
                // 5.5.1: echo the status code, unless our own close is already out or on its way.
                CloseFrame echo = new CloseFrame(peerClose.code(), "");
                endReading(new ReadEnd.PeerClosed(peerClose, sender.decideClose(echo) ? Optional.of(echo) : Optional.empty()));
            }
            default -> {
                Optional<String> message = assembler.accept(frame);
                // After we sent close, data may still arrive; RFC 6455 7.1.2 lets us discard it.
                if (message.isPresent() && sender.ourClose() == null) {
                    lastDataNanos = nowNanos; // only data keeps a connection alive, never pings
                    deliver(message.get());
                }
            }
        }
    }

    private void deliver(String message) {
        try {
            listener.onText(this, message);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, name + ": message handler failed", e);
            close(CloseCodes.INTERNAL_ERROR, "internal error");
        }
    }

    /** On the selector thread: stops reading, once, and lets {@link #serve} go on. */
    private void endReading(ReadEnd end) {
        if (readEnded) {
            return;
        }
        readEnded = true;
        partialFrame = null;
        inFrame = false;
        if (key != null) {
            key.cancel();
        }
        readEnd.complete(end);
    }

    /** On the connection's own thread: what may wait for the peer, and the status the listener hears. */
    private CloseFrame finish(ReadEnd end) {
        return switch (end) {
            case ReadEnd.PeerClosed closed -> {
                closed.echo().ifPresent(echo -> sender.writeClose(echo, CLOSE_HANDSHAKE_TIMEOUT));
                yield closed.peerClose();
            }
            case ReadEnd.Failed failed -> {
                // RFC 6455 7.1.7 "Fail the WebSocket Connection": send the close frame, then close TCP, after
                // letting what is still in flight arrive (see ChannelWaits#drain).
                if (failed.closeDecided()) {
                    sender.writeClose(failed.close(), CLOSE_HANDSHAKE_TIMEOUT);
                }
                ChannelWaits.drain(channel, CLOSE_HANDSHAKE_TIMEOUT, maxMessageBytes);
                yield failed.close();
            }
            case ReadEnd.Dropped dropped -> {
                CloseFrame ours = sender.ourClose();
                if (ours != null) {
                    yield ours;
                }
                if (!(dropped.cause() instanceof EOFException)) {
                    LOG.log(Level.DEBUG, "{0} dropped: {1}", name, dropped.cause().toString());
                }
                yield new CloseFrame(CloseCodes.ABNORMAL, "connection dropped without a close frame");
            }
        };
    }

    /** How the read side ended. */
    private sealed interface ReadEnd {
        /** The peer's close frame came; {@code echo} is ours to send back, unless we had closed first. */
        record PeerClosed(CloseFrame peerClose, Optional<CloseFrame> echo) implements ReadEnd {
        }

        /** The peer broke a rule; {@code close} is our answer, unless we had decided another close before. */
        record Failed(CloseFrame close, boolean closeDecided) implements ReadEnd {
        }

        /** The connection ended without a close frame from the peer. */
        record Dropped(IOException cause) implements ReadEnd {
        }
    }
}
