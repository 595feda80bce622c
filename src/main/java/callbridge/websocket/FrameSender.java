package callbridge.websocket;

import callbridge.http.WriteDeadline;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The sending half of a server WebSocket connection: whole frames, one at a time, from any thread, each
 * within a write deadline, and nothing after our close frame (RFC 6455 5.5.1).
 *
 * <p>Sends are serialized with a {@link ReentrantLock} rather than {@code synchronized}: on JDK 21 a virtual
 * thread blocked in a socket write inside {@code synchronized} would pin its carrier thread.
 */
final class FrameSender {
    private static final System.Logger LOG = System.getLogger(WebSocketConnection.class.getName());

    private final Socket socket;
    private final OutputStream out;
    private final Duration writeTimeout;
    private final String name;
    private final ReentrantLock sendLock = new ReentrantLock();
    /**
     * Our close frame, from the moment we decide to send it; after that nothing else may be sent, even while
     * the close frame itself still waits for the send lock.
     */
    private final AtomicReference<CloseFrame> ourClose = new AtomicReference<>();

    FrameSender(Socket socket, Duration writeTimeout, String name) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.writeTimeout = writeTimeout;
        this.name = name;
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
        byte[] bytes = FrameWriter.encode(frame);
        sendLock.lock();
        try {
            // The close is decided before its frame takes this lock, so a send that gets the lock after the
            // decision sees it here and stops.
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
     * Writes the decided close frame. The send lock is awaited for a bounded time only: a send stuck on a
     * peer that stopped reading holds it until its write deadline. Dropping the connection then is the only
     * way out, and it also frees the stuck sender.
     */
    void writeClose(CloseFrame close, Duration lockWait) {
        byte[] bytes = FrameWriter.encode(Frame.of(Opcode.CLOSE, close.toPayload()));
        try {
            if (!sendLock.tryLock(lockWait.toMillis(), TimeUnit.MILLISECONDS)) {
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

    /**
     * Writes {@code close} on a thread of its own and drops the connection {@code handshakeTimeout} later,
     * unless the read loop has ended it first when the peer answered (RFC 6455 7.1.1).
     */
    void closeInBackground(CloseFrame close, Duration handshakeTimeout) {
        Thread.ofVirtual().name(name + " close").start(() -> {
            writeClose(close, handshakeTimeout);
            try {
                Thread.sleep(handshakeTimeout);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            closeSocket();
        });
    }

    void closeSocket() {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "{0}: close failed: {1}", name, e.toString());
        }
    }

    /** Writes one encoded frame whole, within the write timeout; the send lock is held, so frames never interleave. */
    private void writeLocked(byte[] bytes) throws IOException {
        try {
            WriteDeadline.write(socket, out, bytes, writeTimeout);
        } catch (SocketTimeoutException e) {
            LOG.log(Level.INFO, "{0}: {1}", name, e.getMessage());
            throw e;
        }
    }
}
