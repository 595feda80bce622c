package callbridge.testing;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * HTTPS in front of a plain-HTTP stand-in, as Twilio's API is only served over TLS: a TLS server socket on
 * loopback that relays each connection's plaintext, byte for byte, to the stand-in's port. Its certificate
 * is made for {@code localhost} by the JDK's {@code keytool} when the relay starts; a client trusts it
 * through the trust store {@link #trustStoreOptions} names.
 */
public final class TlsRelay implements AutoCloseable {
    private static final String HOST = "localhost";
    private static final String PASSWORD = "relay-test";
    private static final String ALIAS = "relay";

    private final SSLServerSocket listener;
    private final int targetPort;
    private final Path trustStore;

    private TlsRelay(SSLServerSocket listener, int targetPort, Path trustStore) {
        this.listener = listener;
        this.targetPort = targetPort;
        this.trustStore = trustStore;
    }

    /** A relay to {@code target} (an {@code http://} URL on loopback), its key and trust stores in {@code dir}. */
    public static TlsRelay to(URI target, Path dir) throws IOException, GeneralSecurityException, InterruptedException {
        Path keyStoreFile = dir.resolve("relay-key.p12");
        makeKeyPair(keyStoreFile);
        KeyStore keyStore = KeyStore.getInstance(keyStoreFile.toFile(), PASSWORD.toCharArray());
        // A trust store holds certificates alone: the relay's, without its private key.
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry(ALIAS, keyStore.getCertificate(ALIAS));
        Path trustStoreFile = dir.resolve("relay-trust.p12");
        try (OutputStream out = Files.newOutputStream(trustStoreFile)) {
            trusted.store(out, PASSWORD.toCharArray());
        }

        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(keyStore, PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        SSLServerSocket listener = (SSLServerSocket) context.getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        TlsRelay relay = new TlsRelay(listener, target.getPort(), trustStoreFile);
        Thread.ofVirtual().name("tls relay").start(relay::accept);
        return relay;
    }

    /** Where clients reach the relay: {@code https://localhost:PORT}, the name its certificate is for. */
    public URI baseUrl() {
        return URI.create("https://" + HOST + ":" + listener.getLocalPort());
    }

    /** JVM options under which a client trusts the relay's certificate (and no other). */
    public List<String> trustStoreOptions() {
        return List.of("-Djavax.net.ssl.trustStore=" + trustStore, "-Djavax.net.ssl.trustStorePassword=" + PASSWORD,
                "-Djavax.net.ssl.trustStoreType=PKCS12");
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }

    private static void makeKeyPair(Path keyStoreFile) throws IOException, InterruptedException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", ALIAS,
                "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2", "-dname", "CN=" + HOST,
                "-ext", "SAN=dns:" + HOST, "-storetype", "PKCS12", "-keystore", keyStoreFile.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD)
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("keytool failed: " + output);
        }
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Thread.ofVirtual().name("tls relay connection").start(() -> relay(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void relay(Socket client) {
        try (client; Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort)) {
            Thread.ofVirtual().name("tls relay back").start(() -> copy(target, client));
            copy(client, target);
        } catch (IOException e) {
            // the stand-in is gone: the client sees its connection closed
        }
    }

    /** Copies until {@code from} ends or fails, then closes both: one side gone ends the connection. */
    private static void copy(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (IOException e) {
            // the other direction closed the sockets, or a peer went away
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
