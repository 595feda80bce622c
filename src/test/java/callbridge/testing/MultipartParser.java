package callbridge.testing;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a multipart/form-data body (RFC 7578) back into its parts, strictly, for tests. */
public final class MultipartParser {
    private static final Pattern BOUNDARY = Pattern.compile("boundary=\"?([^\";]+)\"?");
    private static final Pattern NAME = Pattern.compile("name=\"([^\"]*)\"");
    private static final Pattern FILE_NAME = Pattern.compile("filename=\"([^\"]*)\"");

    /** One part: its form field name, optional file name and content type, and its exact bytes. */
    public record Part(String name, String fileName, String contentType, byte[] content) {
        public String text() {
            return new String(content, StandardCharsets.UTF_8);
        }
    }

    private MultipartParser() {
    }

    public static Map<String, Part> parse(String contentType, byte[] body) {
        if (contentType == null || !contentType.startsWith("multipart/form-data")) {
            throw new IllegalArgumentException("Content-Type is not multipart/form-data: " + contentType);
        }
        Matcher boundaryMatch = BOUNDARY.matcher(contentType);
        if (!boundaryMatch.find()) {
            throw new IllegalArgumentException("no boundary in " + contentType);
        }
        byte[] delimiter = ("--" + boundaryMatch.group(1)).getBytes(StandardCharsets.US_ASCII);
        Map<String, Part> parts = new LinkedHashMap<>();
        int position = indexOf(body, delimiter, 0);
        if (position != 0) {
            throw new IllegalArgumentException("body does not start with the boundary");
        }
        while (true) {
            int afterDelimiter = position + delimiter.length;
            if (startsWith(body, afterDelimiter, "--")) {
                return parts; // closing boundary
            }
            if (!startsWith(body, afterDelimiter, "\r\n")) {
                throw new IllegalArgumentException("boundary not followed by CRLF");
            }
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), afterDelimiter);
            int next = indexOf(body, ("\r\n" + new String(delimiter, StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII), headersEnd);
            if (headersEnd < 0 || next < 0) {
                throw new IllegalArgumentException("unterminated part");
            }
            String headers = new String(body, afterDelimiter + 2, headersEnd - afterDelimiter - 2, StandardCharsets.UTF_8);
            Part part = part(headers, Arrays.copyOfRange(body, headersEnd + 4, next));
            parts.put(part.name(), part);
            position = next + 2;
        }
    }

    private static Part part(String headers, byte[] content) {
        String disposition = null;
        String type = null;
        for (String line : headers.split("\r\n")) {
            String lower = line.toLowerCase();
            if (lower.startsWith("content-disposition:")) {
                disposition = line;
            } else if (lower.startsWith("content-type:")) {
                type = line.substring("content-type:".length()).strip();
            }
        }
        if (disposition == null || !disposition.contains("form-data")) {
            throw new IllegalArgumentException("part without Content-Disposition: form-data");
        }
        Matcher name = NAME.matcher(disposition);
        if (!name.find()) {
            throw new IllegalArgumentException("part without a name");
        }
        Matcher fileName = FILE_NAME.matcher(disposition);
        return new Part(name.group(1), fileName.find() ? fileName.group(1) : null, type, content);
    }

    private static boolean startsWith(byte[] body, int offset, String prefix) {
        byte[] bytes = prefix.getBytes(StandardCharsets.US_ASCII);
        return offset + bytes.length <= body.length
                && Arrays.equals(body, offset, offset + bytes.length, bytes, 0, bytes.length);
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = Math.max(from, 0); i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
