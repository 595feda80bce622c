package callbridge.talk;

import callbridge.config.Secret;
import callbridge.config.UsageException;
import callbridge.time.Sleeper;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Turns the chosen {@link UserSource} into the conversations to run, checking everything that can be checked
 * before a call is placed: files readable, settings present, the LLM or Galtea reachable with the key given,
 * the Galtea test cases there.
 */
final class UserSides {
    /** How long one LLM or Galtea request may take. */
    private static final Duration API_TIMEOUT = Duration.ofSeconds(60);

    /**
     * One conversation to run: its label in the output, a fresh user side for it, and whether that user
     * presses keys (a script's {@code [dtmf]} lines), which not every carrier can carry.
     */
    record Plan(String label, Supplier<UserSide> user, boolean pressesKeys) {
        Plan(String label, Supplier<UserSide> user) {
            this(label, user, false);
        }
    }

    private UserSides() {
    }

    static List<Plan> prepare(UserSource source, Map<String, String> settings, HttpClient http, int maxTurns)
            throws UsageException, InterruptedException {
        return prepare(source, settings, http, maxTurns, Sleeper.REAL);
    }

    /** @param sleeper takes the pauses between tries of an LLM or Galtea request ({@link JsonApi#RETRIES}) */
    static List<Plan> prepare(UserSource source, Map<String, String> settings, HttpClient http, int maxTurns, Sleeper sleeper)
            throws UsageException, InterruptedException {
        return switch (source) {
            case UserSource.Script script -> {
                List<ScriptedUser.Line> lines = ScriptedUser.read(script.file());
                yield List.of(new Plan(script.file().getFileName().toString(), () -> new ScriptedUser(lines),
                        ScriptedUser.pressesKeys(lines)));
            }
            case UserSource.Persona persona -> List.of(persona(persona, settings, http, sleeper));
            case UserSource.Galtea galtea -> galtea(galtea, settings, http, maxTurns, sleeper);
        };
    }

    private static Plan persona(UserSource.Persona persona, Map<String, String> settings, HttpClient http, Sleeper sleeper)
            throws UsageException, InterruptedException {
        String description = InputFile.PERSONA.read(persona.file());
        if (description.isBlank()) {
            throw new UsageException("the persona " + persona.file() + " is empty: describe who the user is, what they want and when they are done");
        }
        URI base = url(settings, "LLM_BASE_URL", Optional.empty(), "the OpenAI-compatible endpoint, such as https://api.openai.com/v1");
        String model = required(settings, "LLM_MODEL", "the chat model's name");
        JsonApi llm = new JsonApi("the LLM (LLM_BASE_URL)", base, secret(settings, "LLM_API_KEY"), http, API_TIMEOUT,
                JsonApi.RETRIES, sleeper, Clock.systemUTC());
        checkModel(llm, model);
        return new Plan(persona.file().getFileName().toString(), () -> new PersonaUser(llm, model, description));
    }

    private static List<Plan> galtea(UserSource.Galtea galtea, Map<String, String> settings, HttpClient http, int maxTurns,
                                     Sleeper sleeper)
            throws UsageException, InterruptedException {
        Secret key = secret(settings, "GALTEA_API_KEY").or(() -> secret(settings, "GALTEA_API_KEY_DEV"))
                .orElseThrow(() -> new UsageException("GALTEA_API_KEY is required for --galtea-version (GALTEA_API_KEY_DEV is read too)"));
        URI base = url(settings, "GALTEA_API_URL", Optional.of(GalteaClient.DEFAULT_BASE_URL), "Galtea's API");
        GalteaClient client = new GalteaClient(new JsonApi("Galtea", base, Optional.of(key), http, API_TIMEOUT,
                JsonApi.RETRIES, sleeper, Clock.systemUTC()));
        List<GalteaClient.TestCase> cases = testCases(client, galtea);
        List<Plan> plans = new ArrayList<>();
        for (GalteaClient.TestCase testCase : cases) {
            plans.add(new Plan(testCase.id(), () -> new GalteaUser(client, galtea.versionId(), testCase.id(), maxTurns)));
        }
        return plans;
    }

    private static List<GalteaClient.TestCase> testCases(GalteaClient client, UserSource.Galtea galtea)
            throws UsageException, InterruptedException {
        try {
            if (galtea.testCaseId().isPresent()) {
                return List.of(client.testCase(galtea.testCaseId().get()));
            }
            String test = galtea.testId().orElseThrow();
            List<GalteaClient.TestCase> all = client.testCases(test);
            if (all.isEmpty()) {
                throw new UsageException("Galtea test " + test + " has no test cases");
            }
            if (galtea.positions().isEmpty()) {
                return all;
            }
            List<GalteaClient.TestCase> chosen = new ArrayList<>();
            for (int position : galtea.positions()) {
                if (position >= all.size()) {
                    throw new UsageException("--galtea-cases: test " + test + " has " + all.size()
                            + " test cases (positions 0 to " + (all.size() - 1) + "), so there is no " + position);
                }
                chosen.add(all.get(position));
            }
            return chosen;
        } catch (IOException e) {
            throw new UsageException("cannot read the Galtea test cases: " + e.getMessage(), e);
        }
    }

    /**
     * Asks {@code GET /models} (OpenAI's model list, which most compatible endpoints serve): any answer proves
     * the endpoint is there, save a refused key; a list that lacks the model means a typo in {@code LLM_MODEL}.
     * A 404 only says the endpoint keeps no list. Nothing else is sent before a call is placed.
     */
    private static void checkModel(JsonApi llm, String model) throws UsageException, InterruptedException {
        JsonNode models;
        try {
            models = llm.get("/models").path("data");
        } catch (JsonApi.ApiException e) {
            if (e.status() == 401 || e.status() == 403) {
                throw new UsageException(e.getMessage(), e);
            }
            return;
        } catch (IOException e) {
            throw new UsageException(e.getMessage(), e);
        }
        List<String> ids = new ArrayList<>();
        models.forEach(entry -> ids.add(entry.path("id").asText()));
        if (!ids.isEmpty() && !ids.contains(model)) {
            throw new UsageException("LLM_MODEL '" + model + "' is not among the models " + llm.name() + " lists ("
                    + String.join(", ", ids.subList(0, Math.min(10, ids.size()))) + (ids.size() > 10 ? "..." : "") + ")");
        }
    }

    private static String required(Map<String, String> settings, String name, String what) throws UsageException {
        return value(settings, name).orElseThrow(() -> new UsageException(name + " is required: " + what));
    }

    private static Optional<String> value(Map<String, String> settings, String name) {
        return Optional.ofNullable(settings.get(name)).map(String::strip).filter(v -> !v.isEmpty());
    }

    private static Optional<Secret> secret(Map<String, String> settings, String name) {
        return value(settings, name).map(Secret::new);
    }

    private static URI url(Map<String, String> settings, String name, Optional<String> defaultValue, String what)
            throws UsageException {
        String raw = value(settings, name).or(() -> defaultValue)
                .orElseThrow(() -> new UsageException(name + " is required: " + what));
        Optional<URI> url = HttpUrl.parse(raw);
        if (url.isPresent()) {
            return url.get();
        }
        throw new UsageException(name + " must be an http:// or https:// URL, got '" + raw + "'");
    }
}
