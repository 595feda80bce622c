package callbridge;

import callbridge.testing.FakeElevenLabs;
import callbridge.testing.FakeTwilioRest;
import callbridge.testing.ServerProcess;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code serve} as a newcomer meets it, run as its own process: mistakes get one clear line each. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServeCommandTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path workDir;
    @AutoClose
    private final FakeTwilioRest twilio = FakeTwilioRest.start();
    @AutoClose
    private final FakeElevenLabs elevenLabs = FakeElevenLabs.start(text -> "", text -> new byte[160]);

    ServeCommandTest() throws IOException {
    }

    @Test
    void busyPort_isOneLineNamingPort_andExitsNonZero() throws Exception {
        try (ServerSocket holder = new ServerSocket(0)) {
            Map<String, String> environment = environment();
            environment.put("PORT", Integer.toString(holder.getLocalPort()));
            try (ServerProcess child = ServerProcess.start(workDir, environment)) {
                assertEquals(1, child.awaitExit(WAIT), child.log());
                List<String> errors = child.stderr().stream().filter(line -> line.contains("PORT")).toList();
                assertEquals(1, errors.size(), child.log());
                assertTrue(errors.getFirst().contains("PORT " + holder.getLocalPort() + " is in use"), child.log());
                assertFalse(child.logged(line -> line.contains("Exception") || line.startsWith("\tat ")), child.log());
            }
        }
    }

    @Test
    void serveWithAnExtraWord_isRefused_namingIt() throws Exception {
        try (ServerProcess child = ServerProcess.run(workDir, environment(), List.of("serve", "extra"))) {
            assertEquals(2, child.awaitExit(WAIT), child.log());
            assertTrue(child.logged(line -> line.contains("'extra'")), child.log());
            assertFalse(child.logged(line -> line.contains("listening")), child.log());
        }
    }

    @Test
    void unknownNameInDotEnv_isWarnedAtStartUp_withTheNameMeant() throws Exception {
        Files.writeString(workDir.resolve(".env"), "APIKEY=typo\nTALK_TO=+34600000000\n");
        try (ServerProcess child = ServerProcess.run(workDir, environment(), List.of("serve"))) {
            child.awaitPort(WAIT);
            assertTrue(child.logged(line -> line.contains("WARNING") && line.contains(".env sets APIKEY")
                    && line.contains("did you mean API_KEY?")), child.log());
            assertFalse(child.logged(line -> line.contains("TALK_TO")), child.log());
            child.sigterm();
            assertEquals(0, child.awaitExit(WAIT), child.log());
        }
    }

    @Test
    void recordsDirNamingARegularFile_stopsStartUp_namingTheVariable() throws Exception {
        Path file = Files.writeString(workDir.resolve("records.txt"), "a file");
        Map<String, String> environment = environment();
        environment.put("RECORDS_DIR", file.toString());
        try (ServerProcess child = ServerProcess.start(workDir, environment)) {
            assertEquals(2, child.awaitExit(WAIT), child.log());
            assertTrue(child.logged(line -> line.equals("callbridge: configuration error: RECORDS_DIR: " + file
                    + " is a file, not a directory; set RECORDS_DIR to a directory callbridge can write in, or set it"
                    + " empty (RECORDS_DIR=) to keep records in memory only")), child.log());
            assertFalse(child.logged(line -> line.contains("listening")), child.log());
        }
    }

    @Test
    void onlyTheAuthToken_warnsThatTheAccountSidIsMissing_byName() throws Exception {
        Map<String, String> environment = environment();
        environment.remove("TWILIO_ACCOUNT_SID");
        try (ServerProcess child = ServerProcess.start(workDir, environment)) {
            child.awaitPort(WAIT);
            assertTrue(child.logged(line -> line.contains(
                    "WARNING") && line.endsWith("TWILIO_ACCOUNT_SID is not set: ended calls are not completed at Twilio")), child.log());
            assertFalse(child.logged(line -> line.contains("TWILIO_AUTH_TOKEN is not set")), child.log());
            child.sigterm();
            assertEquals(0, child.awaitExit(WAIT), child.log());
        }
    }

    @Test
    void servePort_pointsAtThePortSetting() throws Exception {
        try (ServerProcess child = ServerProcess.run(workDir, environment(), List.of("serve", "--port", "9000"))) {
            assertEquals(2, child.awaitExit(WAIT), child.log());
            assertTrue(child.logged(line -> line.contains("PORT=9000")), child.log());
        }
    }

    private Map<String, String> environment() {
        return ServerProcess.environmentFor(twilio, elevenLabs, "key");
    }
}
