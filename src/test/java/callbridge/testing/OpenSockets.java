package callbridge.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Counts the file descriptors this process holds for TCP sockets on one local port, from Linux's
 * {@code /proc}: the connections a server on that port still keeps, whatever their state (a connection
 * its peer closed but the server never did sits in CLOSE_WAIT and still costs a descriptor).
 */
public final class OpenSockets {
    /** {@code /proc/net/tcp} state of a listening socket: not a connection. */
    private static final String LISTEN = "0A";

    private OpenSockets() {
    }

    /** Connections (not listeners) on local port {@code port} for which this process holds a descriptor. */
    public static int onLocalPort(int port) {
        Set<String> inodes = new HashSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            inodes.addAll(inodesOnLocalPort(Path.of(table), port));
        }
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.map(OpenSockets::target).filter(target -> target.startsWith("socket:["))
                    .map(target -> target.substring("socket:[".length(), target.length() - 1))
                    .filter(inodes::contains)
                    .count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Bytes the connection from {@code localPort} to {@code remotePort} (on this machine, any process) has
     * written and its peer has not yet taken: its send queue. -1 when no such connection is listed.
     */
    public static long sendQueue(int localPort, int remotePort) {
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                for (String line : Files.readAllLines(Path.of(table)).stream().skip(1).toList()) {
                    String[] fields = line.strip().split("\\s+");
                    if (port(fields[1]) == localPort && port(fields[2]) == remotePort) {
                        return Long.parseLong(fields[4].substring(0, fields[4].indexOf(':')), 16);
                    }
                }
            } catch (IOException e) {
                // no IPv6 table on this machine
            }
        }
        return -1;
    }

    private static int port(String address) {
        return Integer.parseInt(address.substring(address.indexOf(':') + 1), 16);
    }

    /** Lines: "sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...", addresses as HEX:PORT. */
    private static Set<String> inodesOnLocalPort(Path table, int port) {
        Set<String> inodes = new HashSet<>();
        try {
            for (String line : Files.readAllLines(table).stream().skip(1).toList()) {
                String[] fields = line.strip().split("\\s+");
                if (port(fields[1]) == port && !fields[3].equals(LISTEN)) {
                    inodes.add(fields[9]);
                }
            }
        } catch (IOException e) {
            // no IPv6 table on this machine
        }
        return inodes;
    }

    private static String target(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString();
        } catch (IOException e) {
            return ""; // closed while we looked
        }
    }
}
