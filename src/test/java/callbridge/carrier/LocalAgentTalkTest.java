package callbridge.carrier;

import callbridge.json.Json;
import callbridge.talk.Talk;
import callbridge.testing.FakeGaltea;
import callbridge.testing.LocalTalk;
import callbridge.testing.ServerProcess;
import callbridge.testing.SpeechClips;
import callbridge.testing.TestCallbridge;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static callbridge.testing.SpeechClips.MANANA_NUEVE;
import static callbridge.testing.SpeechClips.RESERVAR_MESA;
import static callbridge.testing.SpeechClips.SI_GRACIAS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code talk --local-agent} as a user runs it, a child process with its own callbridge, against a
 * {@link TwilioProtocolAgent} written from Twilio's documentation: no Twilio anywhere, speech through the
 * ElevenLabs stand-in, the agent's clips played at real time by the carrier.
 */
class LocalAgentTalkTest {

    @TempDir
    private Path dir;
    private LocalTalk local;
    private TwilioProtocolAgent agent;
    private ServerProcess talk;

    @BeforeEach
    void startStandIns() throws IOException {
        local = LocalTalk.start(dir, TestCallbridge::voiceFor);
    }

    @AfterEach
    void stopEverything() {
        local.close();
        if (agent != null) {
            agent.close();
        }
    }

    @Test
    void wholeConversation_overTheLocalCarrier_reportSaysLocal_agentHearsStopWhenTalkHangsUp() throws Exception {
        agent = TwilioProtocolAgent.saying(RESERVAR_MESA, List.of(MANANA_NUEVE, SI_GRACIAS), Integer.MAX_VALUE);

        JsonNode report = runTalk(Talk.Exit.FINISHED, "Buenas tardes, ¿tienen mesa?", "Para dos, gracias.");

        JsonNode conversation = report.path("conversations").path(0);
        assertEquals("local", report.path("carrier").asText(), report.toString());
        assertEquals(agent.webhook().toString(), report.path("local_agent").asText());
        assertEquals("user_done", conversation.path("outcome").asText(), conversation.toString());
        assertEquals(List.of("agent: " + SpeechClips.textOf(RESERVAR_MESA),
                "user: Buenas tardes, ¿tienen mesa?", "agent: " + SpeechClips.textOf(MANANA_NUEVE),
                "user: Para dos, gracias.", "agent: " + SpeechClips.textOf(SI_GRACIAS)), LocalTalk.turns(conversation));
        assertTrue(conversation.path("turns").path(2).path("response_latency_ms").isNumber(), conversation.toString());
        // The server's record: the same turns, heard from the far end.
        assertEquals(5, conversation.path("server_record").path("turns").size(), conversation.path("server_record").toString());

        // The agent's side, as Twilio would have shown it: a signed inbound call, a start with its parameter,
        // media, its marks echoed once played, and stop when talk hung up.
        assertTrue(agent.webhookForms.get(0).contains("Direction=inbound"), agent.webhookForms.toString());
        List<String> events = agent.events();
        assertEquals("connected", events.get(0));
        assertEquals("start", events.get(1));
        assertEquals("restaurant", agent.received.get(1).path("start").path("customParameters").path("persona").asText());
        assertEquals(List.of("greeting", "reply-0", "reply-1"), agent.received.stream()
                .filter(m -> m.path("event").asText().equals("mark")).map(m -> m.path("mark").path("name").asText()).toList());
        assertEquals("stop", events.get(events.size() - 1), events.subList(Math.max(0, events.size() - 5), events.size()).toString());
    }

    @Test
    void dtmf_scriptPressesKeys_agentGetsEachAsADtmfEventOnItsStream_inOrder_reportShowsThem() throws Exception {
        agent = TwilioProtocolAgent.saying(RESERVAR_MESA, List.of(MANANA_NUEVE), Integer.MAX_VALUE);

        JsonNode report = runTalk(Talk.Exit.FINISHED, "[dtmf 42] Buenas tardes, ¿tienen mesa?");

        JsonNode conversation = report.path("conversations").path(0);
        assertEquals("user_done", conversation.path("outcome").asText(), conversation.toString());
        // As Twilio reports a key: one dtmf message each, on the agent's own stream, the caller's track.
        assertEquals(List.of("4", "2"), agent.keys.stream().map(key -> key.path("dtmf").path("digit").asText()).toList(),
                agent.keys.toString());
        for (JsonNode key : agent.keys) {
            assertEquals(agent.streamSids.getFirst(), key.path("streamSid").asText(), key.toString());
            assertEquals("inbound_track", key.path("dtmf").path("track").asText(), key.toString());
        }
        long first = Long.parseLong(agent.keys.get(0).path("sequenceNumber").asText());
        assertTrue(Long.parseLong(agent.keys.get(1).path("sequenceNumber").asText()) > first, agent.keys.toString());
        // Pressed at a phone's pace (LocalCall.KEY_INTERVAL, 200 ms), not back to back: a late first key only
        // shortens the gap seen here, so the bound is half the interval.
        long gapMillis = (agent.keyArrivals.get(1) - agent.keyArrivals.get(0)) / 1_000_000;
        assertTrue(gapMillis >= LocalCall.KEY_INTERVAL.toMillis() / 2, "keys " + gapMillis + " ms apart");
        JsonNode said = conversation.path("turns").path(1);
        assertEquals("user", said.path("speaker").asText(), conversation.toString());
        assertEquals("42", said.path("dtmf").asText(), said.toString());
        assertTrue(conversation.path("turns").path(0).path("dtmf").isMissingNode(), "only the turn that pressed them");
        assertTrue(talk.logged(line -> line.equals("user : [keys 42] Buenas tardes, ¿tienen mesa?")), talk.log());
        assertEquals("agent: " + SpeechClips.textOf(MANANA_NUEVE), LocalTalk.turns(conversation).getLast(), conversation.toString());
    }

    @Test
    void keysAlone_theUserPressesAndSaysNothing_theMenuAnswersTheKey_thenTheConversationGoesOn() throws Exception {
        agent = TwilioProtocolAgent.menu(RESERVAR_MESA, Map.of("1", MANANA_NUEVE), List.of(SI_GRACIAS));

        JsonNode report = runTalk(Talk.Exit.FINISHED, "[dtmf 1]", "Para dos, gracias.");

        JsonNode conversation = report.path("conversations").path(0);
        assertEquals("user_done", conversation.path("outcome").asText(), conversation.toString());
        assertEquals(List.of("agent: " + SpeechClips.textOf(RESERVAR_MESA), "user: ", "agent: " + SpeechClips.textOf(MANANA_NUEVE),
                "user: Para dos, gracias.", "agent: " + SpeechClips.textOf(SI_GRACIAS)), LocalTalk.turns(conversation));
        assertEquals(2, conversation.path("user_turns").asInt(), conversation.toString());
        JsonNode pressed = conversation.path("turns").path(1);
        assertEquals("1", pressed.path("dtmf").asText(), pressed.toString());
        // No audio of ours, so nothing the server measures from it: no reply gap, no latency of the answer to the keys.
        assertTrue(pressed.path("reply_gap_ms").isMissingNode(), pressed.toString());
        assertTrue(conversation.path("turns").path(2).path("response_latency_ms").isMissingNode(), conversation.toString());
        assertTrue(conversation.path("turns").path(4).path("response_latency_ms").isNumber(), conversation.toString());
        assertTrue(talk.logged(line -> line.equals("user : [keys 1]")), talk.log());

        // The agent got the key and no speech for it: it answered the key, then the one spoken line, once each.
        assertEquals(List.of("1"), agent.keys.stream().map(key -> key.path("dtmf").path("digit").asText()).toList());
        assertEquals(List.of("greeting", "key-1", "reply-0"), agent.received.stream()
                .filter(m -> m.path("event").asText().equals("mark")).map(m -> m.path("mark").path("name").asText()).toList());
        // Only the spoken line was synthesised: keys alone make no text-to-speech request.
        assertEquals(List.of("Para dos, gracias."), local.elevenLabs().ttsRequests().stream()
                .map(request -> request.body().path("text").asText()).toList());
    }

    @Test
    void agentHangsUpBeforeTheKeys_reportedAsHungUp_notAsAnError() throws Exception {
        agent = TwilioProtocolAgent.greetingThenHangingUp(RESERVAR_MESA);

        JsonNode report = runTalk(Talk.Exit.NOT_FINISHED, "[dtmf 1]", "Gracias.");

        JsonNode conversation = report.path("conversations").path(0);
        assertEquals("hung_up", conversation.path("outcome").asText(), conversation.toString());
        assertEquals(List.of("agent: " + SpeechClips.textOf(RESERVAR_MESA)), LocalTalk.turns(conversation), "no key was pressed");
        assertEquals(List.of(), agent.keys);
    }

    @Test
    void agentHangsUp_midConversation_reportedAsHungUp_exit1() throws Exception {
        agent = TwilioProtocolAgent.saying(RESERVAR_MESA, List.of(MANANA_NUEVE, SI_GRACIAS), 1);

        JsonNode report = runTalk(Talk.Exit.NOT_FINISHED, "Hola.", "¿A qué hora?", "Gracias.");

        JsonNode conversation = report.path("conversations").path(0);
        assertEquals("hung_up", conversation.path("outcome").asText(), conversation.toString());
    }

    @Test
    void bargeIn_userCutsIntoTheGreeting_agentClears_carrierDropsTheRest_andReturnsTheMark() throws Exception {
        agent = TwilioProtocolAgent.givingWay(RESERVAR_MESA, List.of(MANANA_NUEVE));
        long greeting = SpeechClips.durationOf(SpeechClips.load(RESERVAR_MESA)).toMillis();

        JsonNode report = runTalk(Talk.Exit.FINISHED, "[interrupt 800ms] Perdone, ¿a qué hora abren?");

        JsonNode conversation = report.path("conversations").path(0);
        assertEquals(1, conversation.path("interruptions").asInt(), conversation.toString());
        assertEquals(List.of("greeting"), agent.cleared, "the agent heard the user over its greeting and cleared it");
        assertTrue(agent.received.stream().anyMatch(m -> m.path("event").asText().equals("mark")
                && m.path("mark").path("name").asText().equals("greeting")), "the carrier returned the cleared mark");
        // callbridge's side heard less than the clip: its middle never played, and the agent stopped soon after
        // the user's first audio, where without the clear it would have talked on for the rest of the clip.
        JsonNode cut = conversation.path("turns").path(0);
        assertTrue(cut.path("text").asText().startsWith("(unknown audio"), cut.toString());
        assertTrue(cut.path("kept_talking_ms").asLong() < greeting - 800 - 1_000, cut.toString());
        assertEquals("agent: " + SpeechClips.textOf(MANANA_NUEVE), LocalTalk.turns(conversation).getLast(), conversation.toString());
    }

    @Test
    void agentWebhookFails_theConversationEndsAtOnce_withTheReason() throws Exception {
        Path script = Files.write(dir.resolve("script.txt"), List.of("Hola."));
        try (ServerSocket refusing = new ServerSocket(0)) {
            String webhook = "http://127.0.0.1:" + refusing.getLocalPort() + "/missing";
            refusing.close(); // nothing listens there now
            talk = local.start(local.environment(), List.of("talk", "--local-agent", webhook, "--script", script.toString(),
                    "--report", dir.resolve("report.json").toString()));
        }
        assertEquals(Talk.Exit.NOT_FINISHED.code, talk.awaitExit(LocalTalk.WAIT), talk.log());
        JsonNode conversation = Json.MAPPER.readTree(dir.resolve("report.json").toFile()).path("conversations").path(0);
        assertEquals("error", conversation.path("outcome").asText(), conversation.toString());
        assertTrue(conversation.toString().contains("the agent's webhook"), conversation.toString());
    }

    @Test
    void parallel_threeCallsAtOnce_oneAgentCallMalformed_itEndsWithTheCarriersReason_theOthersFinish() throws Exception {
        agent = TwilioProtocolAgent.saying(RESERVAR_MESA, List.of(MANANA_NUEVE, SI_GRACIAS), Integer.MAX_VALUE).breakingCall(1);
        List<FakeGaltea.TestCase> cases = List.of(
                new FakeGaltea.TestCase("tc-1", "book a table", List.of("Quiero reservar.")),
                new FakeGaltea.TestCase("tc-2", "ask the hours", List.of("¿Qué horario tienen?")),
                new FakeGaltea.TestCase("tc-3", "cancel", List.of("Quiero cancelar.")));
        JsonNode report;
        try (FakeGaltea galtea = FakeGaltea.withTests(Map.of("t", cases))) {
            Map<String, String> environment = local.environment();
            environment.put("GALTEA_API_KEY", FakeGaltea.API_KEY);
            environment.put("GALTEA_API_URL", galtea.baseUrl().toString());
            talk = local.start(environment, List.of("talk", "--local-agent", agent.webhook().toString(),
                    "--galtea-version", "v", "--galtea-test", "t", "--parallel", "3", "--reply-gap", "0",
                    "--report", dir.resolve("report.json").toString()));
            // One call broke: talk says so in its exit code, and never waits on it.
            assertEquals(Talk.Exit.NOT_FINISHED.code, talk.awaitExit(LocalTalk.WAIT), talk.log());
            report = Json.MAPPER.readTree(dir.resolve("report.json").toFile());
        }

        List<String> outcomes = new ArrayList<>();
        for (JsonNode conversation : report.path("conversations")) {
            outcomes.add(conversation.path("outcome").asText());
            if (conversation.path("outcome").asText().equals("hung_up")) {
                assertTrue(conversation.toString().contains("the carrier says: the agent sent a malformed message (not JSON"),
                        conversation.toString());
            } else {
                List<String> turns = LocalTalk.turns(conversation);
                assertEquals(3, turns.size(), "greeting, the user's line, the answer: " + conversation);
                assertEquals("agent: " + SpeechClips.textOf(MANANA_NUEVE), turns.get(2));
            }
        }
        assertEquals(List.of("hung_up", "user_done", "user_done"), outcomes.stream().sorted().toList(), report.toString());
    }

    private JsonNode runTalk(Talk.Exit expected, String... lines) throws Exception {
        JsonNode report = local.run(agent.webhook(), expected.code, log -> log, lines);
        talk = local.process();
        return report;
    }
}
