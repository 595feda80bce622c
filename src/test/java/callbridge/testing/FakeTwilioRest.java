package callbridge.testing;

import callbridge.http.FormData;
import callbridge.json.Json;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for Twilio's REST API on loopback, with Basic auth checked: the call update ({@code POST
 * /2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}.json}), where scripted answers (per call, used once
 * each) come first: an HTTP error, Twilio's 404/20404, or never answering; and, for clients that dial out,
 * creating a call ({@code POST .../Calls.json}) and fetching one ({@code GET .../Calls/{CallSid}.json}).
 * A created call is handed to the {@link Callee} set with {@link #answerCallsWith}, on a thread of its own,
 * as the phone network would ring the number; its status is what the callee set, and {@code completed} once
 * the call was updated to that.
 */
public final class FakeTwilioRest implements AutoCloseable {
    public static final String ACCOUNT_SID = "AC00000000000000000000000000000000";
    public static final String AUTH_TOKEN = "test-twilio-token";
    private static final Pattern CALL_PATH = Pattern.compile("/2010-04-01/Accounts/(AC\\w+)/Calls/(CA\\w+)\\.json");
    private static final Pattern CALLS_PATH = Pattern.compile("/2010-04-01/Accounts/(AC\\w+)/Calls\\.json");

    /** The far end of calls that clients place: runs once per created call. */
    public interface Callee {
        void ring(PlacedCall call) throws Exception;
    }

    /**
     * One request to update a call.
     *
     * @param whileLive the call had not ended (completed, busy...) when this arrived
     */
    public record CallUpdate(String callSid, Map<String, String> form, long atNanos, boolean whileLive) {
    }

    public sealed interface Reply {
    }

    /** Answer with this HTTP status and a Twilio error body carrying {@code code}. */
    public record Error(int status, int code) implements Reply {
    }

    /** Never answer (until the server stops). */
    public record Hang() implements Reply {
    }

    private final HttpServer server;
    private final Map<String, Deque<Reply>> scripts = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<CallUpdate> updates = new CopyOnWriteArrayList<>();
    private final ReentrantLock updateLock = new ReentrantLock();
    private final Condition updateArrived = updateLock.newCondition();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
    private final Map<String, PlacedCall> placed = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<PlacedCall> placedInOrder = new CopyOnWriteArrayList<>();
    private volatile Callee callee = call -> call.status("no-answer");

    private FakeTwilioRest(HttpServer server) {
        this.server = server;
    }

    public static FakeTwilioRest start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        FakeTwilioRest fake = new FakeTwilioRest(server);
        server.createContext("/", fake::handle);
        server.start();
        return fake;
    }

    public URI baseUrl() {
        return URI.create("http://localhost:" + server.getAddress().getPort());
    }

    /** Answers for {@code callSid}'s next requests, in order; afterwards it answers 200. */
    public void script(String callSid, Reply... replies) {
        scripts.computeIfAbsent(callSid, sid -> new java.util.concurrent.ConcurrentLinkedDeque<>()).addAll(List.of(replies));
    }

    public List<CallUpdate> updates() {
        return List.copyOf(updates);
    }

    public List<CallUpdate> updatesFor(String callSid) {
        return updates.stream().filter(update -> update.callSid().equals(callSid)).toList();
    }

    /** Waits until at least {@code count} update requests have arrived. */
    public void awaitUpdates(int count, Duration timeout) throws InterruptedException, TimeoutException {
        long nanos = timeout.toNanos();
        updateLock.lock();
        try {
            while (updates.size() < count) {
                if (nanos <= 0) {
                    throw new TimeoutException(updates.size() + " of " + count + " call updates arrived");
                }
                nanos = updateArrived.awaitNanos(nanos);
            }
        } finally {
            updateLock.unlock();
        }
    }

    /** What answers the calls clients create from now on (by default: nobody, the call ends "no-answer"). */
    public void answerCallsWith(Callee callee) {
        this.callee = callee;
    }

    /** The calls clients have created, in order. */
    public List<PlacedCall> placedCalls() {
        return List.copyOf(placedInOrder);
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }

    @Override
    public void close() {
        stopped.countDown();
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            Matcher call = CALL_PATH.matcher(path);
            Matcher calls = CALLS_PATH.matcher(path);
            String method = exchange.getRequestMethod();
            boolean known = (call.matches() && call.group(1).equals(ACCOUNT_SID) && (method.equals("POST") || method.equals("GET")))
                    || (calls.matches() && calls.group(1).equals(ACCOUNT_SID) && method.equals("POST"));
            if (!known) {
                problems.add("unexpected " + method + " " + exchange.getRequestURI());
                send(exchange, 404, Map.of("code", 20404, "message", "not found", "status", 404));
                return;
            }
            String expectedAuth = "Basic " + Base64.getEncoder().encodeToString(
                    (ACCOUNT_SID + ":" + AUTH_TOKEN).getBytes(StandardCharsets.UTF_8));
            if (!expectedAuth.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                problems.add("bad Authorization header");
                send(exchange, 401, Map.of("code", 20003, "message", "Authenticate", "status", 401));
                return;
            }
            Map<String, String> form = FormData.parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            if (calls.matches()) {
                create(exchange, form);
            } else if (method.equals("GET")) {
                fetch(exchange, call.group(2));
            } else {
                update(exchange, call.group(2), form);
            }
        }
    }

    private void update(HttpExchange exchange, String callSid, Map<String, String> form) throws IOException {
        PlacedCall call = placed.get(callSid);
        updateLock.lock();
        try {
            updates.add(new CallUpdate(callSid, form, System.nanoTime(), call == null || !call.isOver()));
            updateArrived.signalAll();
        } finally {
            updateLock.unlock();
        }
        Deque<Reply> script = scripts.get(callSid);
        Reply reply = script == null ? null : script.pollFirst();
        switch (reply) {
            case Error error -> send(exchange, error.status(),
                    Map.of("code", error.code(), "message", "scripted error", "status", error.status()));
            case Hang hang -> awaitStop();
            case null -> {
                if (call != null && "completed".equals(form.get("Status"))) {
                    call.completeByApi();
                }
                send(exchange, 200, Map.of("sid", callSid, "account_sid", ACCOUNT_SID,
                        "status", form.getOrDefault("Status", "in-progress")));
            }
        }
    }

    private void create(HttpExchange exchange, Map<String, String> form) throws IOException {
        for (String required : List.of("To", "From", "Url")) {
            if (!form.containsKey(required)) {
                problems.add("call created without " + required + ": " + form);
                send(exchange, 400, Map.of("code", 21201, "message", "No '" + required + "' number is specified", "status", 400));
                return;
            }
        }
        PlacedCall call = new PlacedCall(FakeTwilioCall.newCallSid(), form);
        placed.put(call.sid(), call);
        placedInOrder.add(call);
        Callee answering = callee;
        Thread.ofVirtual().name("callee " + call.sid()).start(() -> {
            try {
                answering.ring(call);
            } catch (Exception e) {
                problems.add("callee of " + call.sid() + " failed: " + e);
            }
        });
        send(exchange, 201, call.resource());
    }

    private void fetch(HttpExchange exchange, String callSid) throws IOException {
        PlacedCall call = placed.get(callSid);
        if (call == null) {
            send(exchange, 404, Map.of("code", 20404, "message", "The requested resource was not found", "status", 404));
            return;
        }
        send(exchange, 200, call.resource());
    }

    private void awaitStop() {
        try {
            stopped.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void send(HttpExchange exchange, int status, Map<String, ?> body) throws IOException {
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
