package callbridge.talk;

import callbridge.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;

/**
 * An LLM plays the user described in a persona file, through any OpenAI-compatible chat-completions
 * endpoint ({@code POST {LLM_BASE_URL}/chat/completions}). The agent's lines are the chat's {@code user}
 * messages and the persona's lines its {@code assistant} messages, so the model always answers as the
 * caller. The model ends the conversation by writing {@link #END_MARKER}.
 */
final class PersonaUser implements UserSide {
    static final String END_MARKER = "[END]";
    /** Stands in for the agent's first words when the user opens the call. */
    static final String CALL_ANSWERED = "(The call has just been answered and nobody has spoken yet. Open the conversation.)";
    /** Stands in for an answer the persona cuts into before hearing it. */
    static final String CUT_IN = "(The agent has just started to answer you. Cut in now, as an impatient caller would: "
            + "say something short that interrupts it.)";

    private final JsonApi llm;
    private final String model;
    private final ArrayNode messages = Json.MAPPER.createArrayNode();
    private boolean saidLastLine;
    /** False until the agent speaks, and after each of the persona's lines. */
    private boolean agentSpokeLast;

    PersonaUser(JsonApi llm, String model, String persona) {
        this.llm = llm;
        this.model = model;
        messages.addObject().put("role", "system").put("content", instructions(persona));
    }

    static String instructions(String persona) {
        return """
                You are role-playing a person who is on a phone call with a voice agent. Stay in character all the \
                time. Reply with only the words you say aloud on the phone: short, natural sentences, one turn at a \
                time, no stage directions, no quotes, no speaker labels.

                Who you are, what you want, and when you are done:
                %s

                When you are done (your goal is reached, the agent says goodbye, or it cannot help you), write your \
                last words followed by %s, or only %s if you have nothing more to say.""".formatted(persona.strip(), END_MARKER, END_MARKER);
    }

    @Override
    public void heard(AgentReply reply) {
        messages.addObject().put("role", "user").put("content", reply.text());
        agentSpokeLast = true;
    }

    @Override
    public Move next() throws IOException, InterruptedException {
        if (saidLastLine) {
            return new Done("the persona said goodbye");
        }
        if (!agentSpokeLast) {
            messages.addObject().put("role", "user").put("content", CALL_ANSWERED);
        }
        String reply = complete();
        messages.addObject().put("role", "assistant").put("content", reply);
        agentSpokeLast = false;
        return interpret(reply);
    }

    /** Cutting in, the persona has heard only that the agent began: what it said arrives with the next answer. */
    @Override
    public Move interject() throws IOException, InterruptedException {
        if (saidLastLine) {
            return new Done("the persona said goodbye");
        }
        messages.addObject().put("role", "user").put("content", CUT_IN);
        agentSpokeLast = true;
        return next();
    }

    /** The model's reply as a move: a line, a last line (said, then done next turn), or done at once. */
    Move interpret(String reply) {
        int marker = reply.indexOf(END_MARKER);
        if (marker < 0) {
            return new Say(reply.strip(), false);
        }
        String lastWords = (reply.substring(0, marker) + reply.substring(marker + END_MARKER.length())).strip();
        if (lastWords.isEmpty()) {
            return new Done("the persona's goal was reached");
        }
        saidLastLine = true;
        return new Say(lastWords, true);
    }

    private String complete() throws IOException, InterruptedException {
        ObjectNode request = Json.MAPPER.createObjectNode().put("model", model);
        request.set("messages", messages);
        JsonNode answer = llm.post("/chat/completions", request);
        JsonNode content = answer.path("choices").path(0).path("message").path("content");
        if (!content.isTextual() || content.asText().isBlank()) {
            throw new JsonApi.ApiException(llm.name() + " answered without a message (choices[0].message.content): "
                    + Json.write(answer), 0);
        }
        return content.asText();
    }
}
