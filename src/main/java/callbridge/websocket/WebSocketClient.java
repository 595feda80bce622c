package callbridge.websocket;

import callbridge.http.ResponseHead;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Opens a client WebSocket (RFC 6455 section 4.1) over plain TCP: sends the upgrade, reads the answer
 * head byte by byte (so a first frame sent right behind it stays in the stream), and checks it before
 * any frame is sent.
 */
public final class WebSocketClient {
    /** An answer head larger than this is not a WebSocket server's 101. */
    static final int MAX_HEAD_BYTES = 16 * 1024;

    private WebSocketClient() {
    }

    /**
     * @param address      where to connect
     * @param host         the {@code Host} header
     * @param target       path and query of the resource
     * @param extraHeaders sent with the upgrade, such as a signature
     * @param timeout      for the TCP connect and, separately, for the whole answer head
     * @throws IOException when the connection fails or the server refuses or botches the upgrade
     */
    public static ClientConnection connect(InetSocketAddress address, String host, String target,
                                           Map<String, String> extraHeaders, Duration timeout) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true); // small frames every 20 ms: Nagle would hold them back
            socket.connect(address, (int) timeout.toMillis());
            SecureRandom random = new SecureRandom();
            ClientHandshake handshake = ClientHandshake.withRandomKey(random);
            socket.getOutputStream().write(handshake.request(host, target, extraHeaders));
            InputStream in = new BufferedInputStream(socket.getInputStream());
            socket.setSoTimeout((int) timeout.toMillis());
            ResponseHead answer = ResponseHead.parse(readHead(in));
            Optional<String> problem = handshake.problem(answer);
            if (problem.isPresent()) {
                throw new IOException("WebSocket upgrade to " + target + " failed: " + problem.get());
            }
            socket.setSoTimeout(0); // from here the reader waits as long as the stream lasts
            return new ClientConnection(socket, in, MaskingKeys.seededBy(random), WebSocketConnection.DEFAULT_MAX_MESSAGE_BYTES);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** The bytes up to and including the empty line that ends the head (RFC 9112 2.1). */
    static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(256);
        int newlines = 0;
        while (newlines < 2) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the server closed the connection before answering the upgrade");
            }
            if (head.size() == MAX_HEAD_BYTES) {
                throw new IOException("the answer head exceeds " + MAX_HEAD_BYTES + " bytes");
            }
            head.write(b);
            // CR is skipped: a line ends at LF, so CRLF CRLF and bare LF LF both end the head.
            if (b == '\n') {
                newlines++;
            } else if (b != '\r') {
                newlines = 0;
            }
        }
        return head.toByteArray();
    }
}
