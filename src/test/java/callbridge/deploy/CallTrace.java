package callbridge.deploy;

import callbridge.testing.SpeechClips;

import java.net.http.HttpResponse;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What happened to one call seen from outside the load balancer: which instance answered each of its
 * requests ({@code X-Callbridge-Instance}), what {@code /generate} delivered, how the call ended, and what
 * went wrong. The {@link Caller} and the {@link Driver} write it from their own threads.
 */
final class CallTrace {
    /**
     * One answer: the request ({@code "GET /generate first=true"}), its status, the instance that gave it,
     * and when it came ({@link System#nanoTime()}).
     */
    record Answer(String request, int status, String instance, long atNanos) {
    }

    private final String callSid;
    private final List<String> clips;
    private final List<Answer> answers = new CopyOnWriteArrayList<>();
    private final List<String> delivered = new CopyOnWriteArrayList<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final CompletableFuture<String> endReason = new CompletableFuture<>();
    private final CompletableFuture<Integer> streamClosed = new CompletableFuture<>();
    private final long placedNanos = System.nanoTime();

    /** A call {@code callSid} in which the far end says {@code clips}, one a turn. */
    CallTrace(String callSid, List<String> clips) {
        if (clips.isEmpty()) {
            throw new IllegalArgumentException("a call needs a clip for its first turn");
        }
        this.callSid = callSid;
        this.clips = List.copyOf(clips);
    }

    String callSid() {
        return callSid;
    }

    List<String> clips() {
        return clips;
    }

    /** When the call was placed, on {@link System#nanoTime()}. */
    long placedNanos() {
        return placedNanos;
    }

    void answered(String request, HttpResponse<?> response) {
        answers.add(new Answer(request, response.statusCode(),
                response.headers().firstValue(Deployment.INSTANCE_HEADER).orElse("(no " + Deployment.INSTANCE_HEADER + ")"),
                System.nanoTime()));
    }

    /** A turn's text, as {@code /generate} delivered it. */
    void delivered(String text) {
        delivered.add(text);
    }

    /** The {@code reason} of the {@code call_ended} answer. */
    void ended(String reason) {
        endReason.complete(reason);
    }

    void streamClosed(int code) {
        streamClosed.complete(code);
    }

    void problem(String problem) {
        problems.add(problem);
    }

    List<Answer> answers() {
        return List.copyOf(answers);
    }

    /** The instances that answered this call's requests; one, when the load balancer did its job. */
    Set<String> instances() {
        Set<String> instances = new LinkedHashSet<>();
        answers.forEach(answer -> instances.add(answer.instance()));
        return instances;
    }

    /** The instance that answered the voice webhook, once it has. */
    Optional<String> webhookInstance() {
        return webhookAnswer().map(Answer::instance);
    }

    /** The voice webhook's answer, once it has come. */
    Optional<Answer> webhookAnswer() {
        return answers.stream().filter(answer -> answer.request().startsWith("POST ")).findFirst();
    }

    /** Turns {@code /generate} has delivered so far. */
    int turnsDelivered() {
        return delivered.size();
    }

    /** Every clip said was delivered, in order, as its text, and the call ended with the caller hanging up. */
    boolean servedWhole() {
        return problems.isEmpty() && delivered.equals(clips.stream().map(SpeechClips::textOf).toList())
                && "hung up".equals(endReason.getNow(null));
    }

    /** The close code of the media stream, once it has closed (1000: we hung up; 1006: dropped). */
    CompletableFuture<Integer> streamClosed() {
        return streamClosed.copy();
    }

    List<String> problems() {
        return List.copyOf(problems);
    }

    @Override
    public String toString() {
        return "call " + callSid + ": delivered " + delivered + " of " + clips + ", ended " + endReason.getNow("(not yet)")
                + ", stream closed " + streamClosed.getNow(null) + ", problems " + problems + ", answers " + answers;
    }
}
