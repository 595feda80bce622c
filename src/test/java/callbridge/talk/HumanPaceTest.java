package callbridge.talk;

import callbridge.testing.AgentOnThePhone;
import callbridge.testing.SpeechClips;
import callbridge.testing.TestCallbridge;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import static callbridge.testing.SpeechClips.MANANA_NUEVE;
import static callbridge.testing.SpeechClips.RESERVAR_MESA;
import static callbridge.testing.SpeechClips.SI_GRACIAS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code talk}'s caller timed as a person: a seeded reply gap and a scripted interruption, end to end on
 * loopback (a real callbridge server, an {@link AgentOnThePhone} answering at real-time pace). Every time
 * checked is one the server wrote: the report's measures, and the server's own record of the call.
 */
class HumanPaceTest {
    /** Turns end after 1 s of silence; the reply gap asked for is longer, so the server really holds our lines. */
    @AutoClose
    private final TestCallbridge server = TestCallbridge.started(Map.of("SILENCE_MS", "1000"));

    @TempDir
    private Path dir;

    @Test
    void script_replyGapAndAnInterruption_respectedAndReported() throws Exception {
        // Greets, answers the first line, then answers the second; when our interruption has played it hangs up.
        server.twilioRest().answerCallsWith(AgentOnThePhone.saying(RESERVAR_MESA, List.of(MANANA_NUEVE, SI_GRACIAS)));
        String interruption = "Perdone, ¿a qué hora abren?"; // 27 characters: about 1.1 s, said over a 2.4 s answer
        Path script = Files.write(dir.resolve("script.txt"), List.of("Hola, buenas tardes.", "¿Y para cuántos?",
                "[interrupt 700ms] " + interruption));

        TalkRunner.Result result = TalkRunner.run(server, dir, Map.of(), "--script", script.toString(),
                "--reply-gap", "1500-1800", "--seed", "7");

        assertEquals(Talk.Exit.FINISHED, result.exit(), result.output());
        JsonNode conversation = result.conversation(0);
        assertEquals("user_done", conversation.path("outcome").asText(), conversation.toString());
        List<JsonNode> turns = new ArrayList<>();
        conversation.path("turns").forEach(turns::add);
        assertEquals(List.of("agent: " + SpeechClips.textOf(RESERVAR_MESA), "user: Hola, buenas tardes.",
                "agent: " + SpeechClips.textOf(MANANA_NUEVE), "user: ¿Y para cuántos?",
                "agent: " + SpeechClips.textOf(SI_GRACIAS), "user: " + interruption), said(turns));

        // The gaps drawn are the seeded source's; each reply started no sooner than its gap after the agent stopped.
        HumanPace pace = new HumanPace(new MillisRange(1500, 1800), 0, HumanPace.DEFAULT_INTERRUPT_AFTER, OptionalLong.of(7));
        Pacing expected = new Pacing(pace, pace.randomFor(0));
        for (int user : List.of(1, 3)) {
            JsonNode line = turns.get(user);
            long planned = expected.reply(java.util.Optional.of(Instant.EPOCH)).plannedGap().orElseThrow().toMillis();
            assertEquals(planned, line.path("planned_reply_gap_ms").asLong(), line.toString());
            assertTrue(line.path("reply_gap_ms").asLong() >= planned, "the gap was respected: " + line);
        }
        assertEquals(Math.max(turns.get(1).path("reply_gap_ms").asLong(), turns.get(3).path("reply_gap_ms").asLong()),
                conversation.path("median_reply_gap_ms").asLong(), "of two gaps, the median is the larger");

        // The interruption came 700 ms into the agent's answer, while it was still talking, and is reported.
        JsonNode cutInto = turns.get(4);
        JsonNode cut = turns.get(5);
        assertEquals(700, cut.path("planned_interrupt_after_ms").asLong(), cut.toString());
        assertTrue(cut.path("interrupted_after_ms").asLong() >= 700, cut.toString());
        assertTrue(cutInto.path("kept_talking_ms").asLong() > 0, "the agent was still talking when we cut in: " + cutInto);
        assertTrue(cutInto.path("response_latency_ms").isNumber(), "its latency, from our line's end: " + cutInto);
        assertEquals(1, conversation.path("interruptions").asInt());
        assertTrue(result.output().contains("-- our line cut in "), result.output());

        // Cross-checked with the server's own record: our interruption's audio began inside the agent's speech.
        JsonNode record = conversation.path("server_record").path("turns");
        JsonNode agentTurn = find(record, "far_end", SpeechClips.textOf(SI_GRACIAS));
        JsonNode ourTurn = find(record, "callbridge", interruption);
        Instant agentFrom = Instant.parse(agentTurn.path("speech_started_at").asText());
        Instant agentTo = Instant.parse(agentTurn.path("speech_ended_at").asText());
        Instant oursFrom = Instant.parse(ourTurn.path("first_audio_at").asText());
        assertTrue(!oursFrom.isBefore(agentFrom.plus(Duration.ofMillis(700))) && oursFrom.isBefore(agentTo),
                "ours at " + oursFrom + ", the agent's from " + agentFrom + " to " + agentTo);
    }

    private static List<String> said(List<JsonNode> turns) {
        return turns.stream().map(turn -> turn.path("speaker").asText() + ": " + turn.path("text").asText()).toList();
    }

    private static JsonNode find(JsonNode turns, String side, String text) {
        for (JsonNode turn : turns) {
            if (turn.path("side").asText().equals(side) && turn.path("text").asText().equals(text)) {
                return turn;
            }
        }
        throw new AssertionError("no " + side + " turn '" + text + "' in " + turns);
    }
}
