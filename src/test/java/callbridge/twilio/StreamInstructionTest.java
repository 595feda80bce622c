package callbridge.twilio;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Reading a TwiML answer as Twilio does: the stream URL and its parameters. */
class StreamInstructionTest {
    @Test
    void parse_whatTheServerWrites_comesBackWhole() {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("From", "+34 600 <&> \"'");
        parameters.put("To", "+1555");
        StreamInstruction read = StreamInstruction.parse(TwiML.connectStream("wss://h.example/media/CA1/t0k?x=1&y=2", parameters));
        assertEquals(new StreamInstruction("wss://h.example/media/CA1/t0k?x=1&y=2", parameters), read);
        assertEquals(java.util.List.of("From", "To"), java.util.List.copyOf(read.parameters().keySet()));
    }

    @Test
    void parse_noStream_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> StreamInstruction.parse("<Response><Say>hi</Say></Response>"));
    }

    @Test
    void parse_doctype_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> StreamInstruction.parse(
                "<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><Response><Connect><Stream url=\"&x;\"/></Connect></Response>"));
    }

    @Test
    void parse_notXml_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> StreamInstruction.parse("{\"json\": true}"));
    }
}
