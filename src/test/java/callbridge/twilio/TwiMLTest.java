package callbridge.twilio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.xml.sax.InputSource;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TwiMLTest {

    @Test
    void connectStream_writesStreamWithParametersInOrder() {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("From", "+34600111222");
        parameters.put("To", "+34900333444");
        parameters.put("Direction", "outbound-api");
        assertEquals("""
                        <?xml version="1.0" encoding="UTF-8"?>
                        <Response><Connect><Stream url="wss://calls.example.com/media">\
                        <Parameter name="From" value="+34600111222"/>\
                        <Parameter name="To" value="+34900333444"/>\
                        <Parameter name="Direction" value="outbound-api"/>\
                        </Stream></Connect></Response>""",
                TwiML.connectStream("wss://calls.example.com/media", parameters));
    }

    @Test
    void connectStream_noParameters_isAnEmptyStream() {
        assertEquals("""
                        <?xml version="1.0" encoding="UTF-8"?>
                        <Response><Connect><Stream url="ws://localhost:8001/media"></Stream></Connect></Response>""",
                TwiML.connectStream("ws://localhost:8001/media", Map.of()));
    }

    @Test
    void connectStream_markupInNamesAndValues_isEscaped() {
        assertEquals("""
                        <?xml version="1.0" encoding="UTF-8"?>
                        <Response><Connect><Stream url="wss://h.example/b/media?a=1&amp;b=2">\
                        <Parameter name="x&lt;y" value="Tom &amp; &quot;Jerry&quot; &lt;tj&gt; O&apos;Neil"/>\
                        </Stream></Connect></Response>""",
                TwiML.connectStream("wss://h.example/b/media?a=1&b=2", Map.of("x<y", "Tom & \"Jerry\" <tj> O'Neil")));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "a&b             | a&amp;b",
            "<Hangup/>       | &lt;Hangup/&gt;",
            "say \"hi\"      | say &quot;hi&quot;",
            "it's            | it&apos;s",
            "&amp;           | &amp;amp;",     // already escaped text is escaped again: it is text
            "ñandú +34 600   | ñandú +34 600",
    })
    void escape_replacesTheFiveMarkupCharacters(String text, String escaped) {
        assertEquals(escaped, TwiML.escape(text));
    }

    @Test
    void connectStream_anyValue_readsBackFromAnXmlParser() throws Exception {
        String value = "& < > \" ' ]]> -- ñ";
        Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new InputSource(new StringReader(TwiML.connectStream("wss://h/media", Map.of("v", value)))));
        Element stream = (Element) xml.getElementsByTagName("Stream").item(0);
        Element parameter = (Element) xml.getElementsByTagName("Parameter").item(0);
        assertEquals("wss://h/media", stream.getAttribute("url"));
        assertEquals("v", parameter.getAttribute("name"));
        assertEquals(value, parameter.getAttribute("value"));
    }
}
