package callbridge.twilio;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a TwiML answer tells Twilio about a media stream, read the way Twilio reads it: the {@code url} of
 * the first {@code <Connect><Stream>} (https://www.twilio.com/docs/voice/twiml/stream) and its
 * {@code <Parameter>}s, which come back as the {@code start} message's {@code customParameters}. The
 * reading side of {@link TwiML}, for {@code emulate}.
 *
 * @param url        the stream URL exactly as written (entities decoded), {@code wss://...}
 * @param parameters name to value, in document order
 */
public record StreamInstruction(String url, Map<String, String> parameters) {
    public StreamInstruction {
        Objects.requireNonNull(url, "url");
        parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /** @throws IllegalArgumentException when the TwiML is not XML or connects no stream */
    public static StreamInstruction parse(String twiml) {
        Document document = read(twiml);
        NodeList connects = document.getDocumentElement().getElementsByTagName("Connect");
        for (int i = 0; i < connects.getLength(); i++) {
            NodeList streams = ((Element) connects.item(i)).getElementsByTagName("Stream");
            if (streams.getLength() > 0) {
                return of((Element) streams.item(0));
            }
        }
        throw new IllegalArgumentException("the TwiML has no <Connect><Stream>: " + twiml);
    }

    /**
     * The verbs of a TwiML answer in the order Twilio runs them: the names of {@code <Response>}'s child
     * elements ({@code Connect}, {@code Say}, {@code Hangup}...).
     *
     * @throws IllegalArgumentException when the TwiML is not XML, or its root is not {@code <Response>}
     */
    public static List<String> verbs(String twiml) {
        Element response = read(twiml).getDocumentElement();
        if (!response.getTagName().equals("Response")) {
            throw new IllegalArgumentException("the TwiML's root is <" + response.getTagName() + ">, not <Response>");
        }
        List<String> verbs = new ArrayList<>();
        for (Node child = response.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element verb) {
                verbs.add(verb.getTagName());
            }
        }
        return verbs;
    }

    private static StreamInstruction of(Element stream) {
        String url = stream.getAttribute("url");
        if (url.isEmpty()) {
            throw new IllegalArgumentException("<Stream> has no url");
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        NodeList elements = stream.getElementsByTagName("Parameter");
        for (int i = 0; i < elements.getLength(); i++) {
            Element parameter = (Element) elements.item(i);
            parameters.put(parameter.getAttribute("name"), parameter.getAttribute("value"));
        }
        return new StreamInstruction(url, parameters);
    }

    private static Document read(String twiml) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            // The answer comes from a server: no DOCTYPE, so no external entities and no entity expansion bombs.
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(new org.xml.sax.helpers.DefaultHandler()); // throws on fatal errors, prints nothing
            return builder.parse(new ByteArrayInputStream(twiml.getBytes(StandardCharsets.UTF_8)));
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser lacks a standard feature", e);
        } catch (SAXException | IOException e) {
            throw new IllegalArgumentException("the TwiML is not XML: " + e.getMessage(), e);
        }
    }
}
