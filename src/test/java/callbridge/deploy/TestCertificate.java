package callbridge.deploy;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for {@code 127.0.0.1}, so that HAProxy terminates TLS in the tests as it does in
 * the README's configuration: Twilio reaches a webhook only over {@code https://} and a media stream only
 * over {@code wss://}. The JDK's own {@code keytool} makes it (no openssl needed); HAProxy gets it as one PEM
 * file, certificate then key, and the test's clients trust it and nothing else.
 */
final class TestCertificate {
    private static final String ALIAS = "load-balancer";
    /** Guards nothing: the keystore lives in a test's temporary directory for a few seconds. */
    private static final char[] STORE_PASSWORD = "test-only".toCharArray();

    private final Path pem;
    private final SSLContext clientContext;

    private TestCertificate(Path pem, SSLContext clientContext) {
        this.pem = pem;
        this.clientContext = clientContext;
    }

    /** Makes the certificate and its key in {@code directory}. */
    static TestCertificate create(Path directory) throws IOException, InterruptedException, GeneralSecurityException {
        Path keystore = directory.resolve("load-balancer.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-alias", ALIAS,
                "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1", "-ext", "san=ip:127.0.0.1",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", new String(STORE_PASSWORD), "-keypass", new String(STORE_PASSWORD)))
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("keytool could not make a certificate: " + output);
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, STORE_PASSWORD);
        }
        Certificate certificate = store.getCertificate(ALIAS);
        Key key = store.getKey(ALIAS, STORE_PASSWORD);
        Path pem = Files.writeString(directory.resolve("load-balancer.pem"),
                pem("CERTIFICATE", certificate.getEncoded()) + pem("PRIVATE KEY", key.getEncoded())); // PKCS #8

        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry(ALIAS, certificate);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return new TestCertificate(pem, context);
    }

    /** Certificate and key in one PEM file, as HAProxy's {@code crt} takes them. */
    Path pem() {
        return pem;
    }

    /** A client context that trusts this certificate only. */
    SSLContext clientContext() {
        return clientContext;
    }

    /** RFC 7468: base64 in lines of 64 characters between the label's BEGIN and END lines. */
    private static String pem(String label, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
    }
}
