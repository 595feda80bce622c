package callbridge.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;

/**
 * The polite end of a connection we are closing after an error: half-close, then read and discard what
 * the peer still sends until it closes too, the time is up or the byte budget is spent. Closing a socket
 * with unread input makes TCP send a reset, which can destroy our last answer before the peer reads it.
 */
public final class Linger {
    private Linger() {
    }

    public static void drain(Socket socket, InputStream in, Duration within, long maxBytes) {
        DeadlineInputStream rest = new DeadlineInputStream(socket, in, "lingering input");
        rest.deadlineIn(within);
        byte[] discard = new byte[4096];
        long left = maxBytes;
        try {
            socket.shutdownOutput();
            while (left > 0) {
                int n = rest.read(discard, 0, (int) Math.min(discard.length, left));
                if (n < 0) {
                    return;
                }
                left -= n;
            }
        } catch (IOException e) {
            // timed out or reset: either way we are done with this connection
        }
    }
}
