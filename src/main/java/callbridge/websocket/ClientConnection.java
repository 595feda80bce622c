package callbridge.websocket;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The client end of one WebSocket connection after its handshake: masked sends that are safe from any
 * thread, and a blocking read loop for the server's messages. RFC 6455 5.3: every frame a client sends is
 * masked with a fresh, unpredictable key, so that a proxy that does not speak WebSocket cannot be fed
 * bytes of the client's choosing; the server's frames arrive unmasked.
 *
 * <p>Every frame is built in one array the connection keeps and written with one {@code write}: a load
 * generator sends tens of thousands of frames a second, and garbage per frame would bring young-GC pauses
 * that make its frames late. {@link #sendText(byte[], int, int)} allocates nothing.
 */
public final class ClientConnection implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ClientConnection.class.getName());
    /** Room for a Twilio media message of one 20 ms frame (about 400 bytes) and its header. */
    private static final int INITIAL_FRAME_BUFFER_BYTES = 512;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final MaskingKeys maskingKeys;
    private final int maxMessageBytes;
    private final ReentrantLock sendLock = new ReentrantLock();
    /** The frame being sent; grows to the largest frame sent so far. Guarded by {@link #sendLock}. */
    private byte[] frameBuffer = new byte[INITIAL_FRAME_BUFFER_BYTES];
    /** Our close frame, once sent; nothing may follow it (RFC 6455 5.5.1). */
    private final AtomicReference<CloseFrame> sentClose = new AtomicReference<>();

    ClientConnection(Socket socket, InputStream in, MaskingKeys maskingKeys, int maxMessageBytes) throws IOException {
        this.socket = socket;
        this.in = in;
        this.out = socket.getOutputStream();
        this.maskingKeys = maskingKeys;
        this.maxMessageBytes = maxMessageBytes;
    }

    /** Sends one text message in one frame; fails once our close frame has gone out. */
    public void sendText(String text) throws IOException {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        sendText(utf8, 0, utf8.length);
    }

    /**
     * Sends {@code length} bytes from {@code offset} of {@code utf8} as one text message in one frame, without
     * allocating; the bytes are copied before this returns, so the caller may reuse the array. They must be
     * UTF-8 (RFC 6455 5.6), which is not checked here: the server checks it. Fails once our close frame has
     * gone out.
     */
    public void sendText(byte[] utf8, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, utf8.length);
        if (!send(Opcode.TEXT, utf8, offset, length, null)) {
            throw new IOException("the connection is closing; nothing more may be sent");
        }
    }

    /**
     * Starts the closing handshake (RFC 6455 7.1.2): the read loop ends when the server answers, or the
     * connection is dropped if it does not answer in time. Safe to call more than once; only the first
     * call sends.
     */
    public void close(int code, String reason) {
        CloseFrame close = new CloseFrame(code, reason);
        try {
            byte[] payload = close.toPayload();
            if (send(Opcode.CLOSE, payload, 0, payload.length, close)) {
                Thread.ofVirtual().name("websocket close timer").start(this::abortAfterCloseTimeout);
            }
        } catch (IOException e) {
            abort();
        }
    }

    /**
     * Reads until the connection ends, handing each text message to {@code onText} on this thread.
     *
     * @return the server's close frame; ours after a protocol error; {@link CloseCodes#ABNORMAL} when the
     * connection dropped without one
     */
    public CloseFrame readUntilClosed(Consumer<String> onText) {
        FrameReader reader = FrameReader.ofServerFrames(in, maxMessageBytes);
        MessageAssembler assembler = new MessageAssembler(maxMessageBytes);
        try {
            while (true) {
                Frame frame = reader.read();
                switch (frame.opcode()) {
                    case PING -> send(Opcode.PONG, frame.payload(), 0, frame.payload().length, null); // RFC 6455 5.5.2
                    case PONG -> {
                        // RFC 6455 5.5.3: unsolicited pongs need no answer.
                    }
                    case CLOSE -> {
                        CloseFrame peerClose = CloseFrame.parse(frame.payload());
                        close(peerClose.code(), ""); // RFC 6455 5.5.1: echo the status code
                        return peerClose;
                    }
                    case BINARY -> throw new ProtocolException(CloseCodes.UNSUPPORTED_DATA, "binary messages are not expected");
                    default -> assembler.accept(frame).filter(text -> sentClose.get() == null).ifPresent(onText);
                }
            }
        } catch (ProtocolException violation) {
            close(violation.closeCode(), violation.getMessage()); // RFC 6455 7.1.7: fail the connection
            return new CloseFrame(violation.closeCode(), violation.getMessage());
        } catch (IOException dropped) {
            if (!(dropped instanceof EOFException)) {
                LOG.log(System.Logger.Level.DEBUG, "{0} dropped: {1}", socket.getRemoteSocketAddress(), dropped);
            }
            return new CloseFrame(CloseCodes.ABNORMAL, "connection dropped without a close frame");
        } finally {
            abort();
        }
    }

    /** Closes the TCP connection at once, without a close handshake; idempotent. */
    public void abort() {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "close failed: {0}", e.toString());
        }
    }

    @Override
    public void close() {
        abort();
    }

    private void abortAfterCloseTimeout() {
        try {
            Thread.sleep(WebSocketConnection.CLOSE_HANDSHAKE_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        abort();
    }

    /**
     * Writes one masked frame, unless our close frame has gone out; {@code closing} is set for that one. The
     * frame is built under the lock because the buffer it is built in is the connection's one.
     */
    private boolean send(Opcode opcode, byte[] payload, int offset, int length, CloseFrame closing) throws IOException {
        sendLock.lock();
        try {
            // Checked under the lock the close frame is sent under, so no frame can slip in behind it.
            if (sentClose.get() != null) {
                return false;
            }
            if (closing != null) {
                sentClose.set(closing);
            }
            if (frameBuffer.length < FrameWriter.maskedLength(length)) {
                frameBuffer = new byte[FrameWriter.maskedLength(length)];
            }
            int frameLength = FrameWriter.putMasked(frameBuffer, opcode, payload, offset, length, maskingKeys.next());
            out.write(frameBuffer, 0, frameLength);
            out.flush();
            return true;
        } finally {
            sendLock.unlock();
        }
    }
}
