package callbridge.speech;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A multipart/form-data body (RFC 7578): parts separated by {@code --boundary}, each with a
 * Content-Disposition naming the field, the last boundary followed by {@code --}. Built in memory: a
 * turn's audio is at most a few hundred KiB.
 */
public final class Multipart {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String boundary;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();

    public Multipart() {
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        this.boundary = "callbridge-" + HexFormat.of().formatHex(random);
    }

    public String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    public Multipart field(String name, String value) {
        head("Content-Disposition: form-data; name=\"" + name + "\"\r\n");
        body.writeBytes(value.getBytes(StandardCharsets.UTF_8));
        body.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        return this;
    }

    public Multipart file(String name, String fileName, String contentType, byte[] content) {
        head("Content-Disposition: form-data; name=\"" + name + "\"; filename=\"" + fileName + "\"\r\n"
                + "Content-Type: " + contentType + "\r\n");
        body.writeBytes(content);
        body.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        return this;
    }

    /** The finished body, closing boundary included. */
    public byte[] toBytes() {
        ByteArrayOutputStream finished = new ByteArrayOutputStream(body.size() + boundary.length() + 8);
        finished.writeBytes(body.toByteArray());
        finished.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return finished.toByteArray();
    }

    private void head(String headers) {
        body.writeBytes(("--" + boundary + "\r\n" + headers + "\r\n").getBytes(StandardCharsets.UTF_8));
    }
}
