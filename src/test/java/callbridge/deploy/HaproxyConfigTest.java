package callbridge.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** README.md's HAProxy configuration: found between its markers, and accepted by {@code haproxy -c} without a warning. */
class HaproxyConfigTest {
    @TempDir
    private Path directory;

    @Test
    void readmeConfig_passesHaproxyCheck_withoutWarnings() throws Exception {
        TestCertificate certificate = TestCertificate.create(directory);
        String printed = Haproxy.check(directory, ReadmeHaproxyConfig.read(), Map.of(
                "LB_BIND", "127.0.0.1:1", "LB_CERT", certificate.pem().toString(),
                "CB1_ADDR", "127.0.0.1:1", "CB2_ADDR", "127.0.0.1:2"));
        assertTrue(printed.contains("Configuration file is valid"), printed);
        assertFalse(printed.contains("WARNING") || printed.contains("ALERT"), printed);
    }

    @Test
    void readmeConfig_namesAServerPerInstance_asTheTestsStartThem() throws Exception {
        String config = ReadmeHaproxyConfig.read();
        for (String id : new String[]{Deployment.CB1, Deployment.CB2}) {
            assertTrue(config.contains("    server " + id + " "), config);
        }
        assertTrue(config.contains("backend " + Haproxy.BACKEND + "\n"), config);
    }

    @Test
    void extract_takesTheFencedBlockBetweenTheMarkers() {
        String markdown = "text\n" + ReadmeHaproxyConfig.BEGIN + "\n```haproxy\ndefaults\n    mode http\n```\n"
                + ReadmeHaproxyConfig.END + "\nmore\n";
        assertEquals("defaults\n    mode http\n", ReadmeHaproxyConfig.extract(markdown));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "no markers at all",
            "<!-- haproxy.cfg begin -->\n```haproxy\nx\n```\n",
            "<!-- haproxy.cfg end -->\n<!-- haproxy.cfg begin -->\n```haproxy\nx\n```\n",
            "<!-- haproxy.cfg begin -->\nx\n<!-- haproxy.cfg end -->",
            "<!-- haproxy.cfg begin -->\n```\nx\n```\n<!-- haproxy.cfg end -->",
            "<!-- haproxy.cfg begin -->\n```haproxy\nx\n```\ntext after\n<!-- haproxy.cfg end -->",
            "<!-- haproxy.cfg begin -->\n```haproxy\nx\n```\n<!-- haproxy.cfg end -->\n<!-- haproxy.cfg begin -->",
    })
    void extract_refusesAnythingButOneFencedBlockBetweenTheMarkers(String markdown) {
        assertThrows(IllegalArgumentException.class, () -> ReadmeHaproxyConfig.extract(markdown));
    }
}
