package callbridge.twilio;

import java.util.Map;

/**
 * The TwiML answer to the voice webhook: connect the call's audio to our WebSocket
 * (https://www.twilio.com/docs/voice/twiml/stream). Twilio drops a query string from the stream URL, so
 * what binds the stream to its call is in the URL's path ({@link StreamBinding}), and anything else the
 * stream needs later travels as {@code <Parameter>} elements and comes back in the {@code start} message's
 * {@code customParameters}.
 */
public final class TwiML {
    private TwiML() {
    }

    public static String connectStream(String streamUrl, Map<String, String> parameters) {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Connect>")
                .append("<Stream url=\"").append(escape(streamUrl)).append("\">");
        parameters.forEach((name, value) -> xml.append("<Parameter name=\"").append(escape(name))
                .append("\" value=\"").append(escape(value)).append("\"/>"));
        return xml.append("</Stream></Connect></Response>").toString();
    }

    /** XML 1.0 section 2.4: markup characters in text and attribute values are written as entities. */
    static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&apos;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }
}
