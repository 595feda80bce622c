package callbridge.server;

import callbridge.testing.FakeTwilioCall;
import callbridge.testing.TestCallbridge;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every answer of the public port names the instance that gave it ({@code X-Callbridge-Instance}), whoever
 * wrote it: a handler behind the relay, the front door refusing a request itself, or a WebSocket upgrade,
 * accepted or refused. Behind a load balancer, this is how an operator sees where a request went.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class InstanceHeaderTest {
    private static final String INSTANCE = "cb-7.east_1";
    private static final String KEY = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    private static final String UPGRADE = "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n";

    @AutoClose
    private final TestCallbridge server = TestCallbridge.started(Map.of("INSTANCE_ID", INSTANCE));

    @Test
    void handlersAnswers_nameTheInstance() throws Exception {
        assertNamed(200, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
        assertNamed(200, "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n");
        assertNamed(403, "GET /generate?sid=" + FakeTwilioCall.newCallSid() + " HTTP/1.1\r\nHost: x\r\nX-API-KEY: wrong\r\n\r\n");
        assertNamed(404, "GET /no/such/route HTTP/1.1\r\nHost: x\r\n\r\n");
        assertNamed(400, "POST /twilio-voice HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: 3\r\n\r\na=b");
    }

    @Test
    void frontDoorsOwnAnswers_nameTheInstance() throws Exception {
        assertNamed(400, "NOT AN HTTP REQUEST\r\n\r\n");
        assertNamed(505, "GET /health HTTP/2.0\r\nHost: x\r\n\r\n");
        assertNamed(404, "GET /nowhere HTTP/1.1\r\nHost: x\r\n" + UPGRADE + KEY + "\r\n");
        assertNamed(426, "GET /media/x/y HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" + KEY + "\r\n");
        assertNamed(403, "GET /media/" + FakeTwilioCall.newCallSid() + "/forged HTTP/1.1\r\nHost: x\r\n" + UPGRADE + KEY + "\r\n");
    }

    @Test
    void acceptedUpgrade_namesTheInstance() throws Exception {
        String callSid = FakeTwilioCall.newCallSid();
        String streamUrl = server.twilio().webhook(callSid).url();
        String path = streamUrl.substring(streamUrl.indexOf("/media/"));
        assertNamed(101, "GET " + path + " HTTP/1.1\r\nHost: x\r\n" + UPGRADE + KEY + "\r\n");
    }

    private void assertNamed(int status, String request) throws Exception {
        try (RawHttp http = RawHttp.connect(server.port())) {
            RawHttp.Response response = http.send(request).readResponse();
            assertEquals(status, response.status(), response.toString());
            assertEquals(INSTANCE, response.header(CallbridgeServer.INSTANCE_HEADER).orElse("(none)"), response.toString());
        }
    }
}
