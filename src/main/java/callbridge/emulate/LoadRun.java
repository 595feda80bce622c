package callbridge.emulate;

import callbridge.twilio.CallIds;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;

/** The calls of one {@code emulate} run: started over the ramp, paced, counted as they end. */
final class LoadRun implements AutoCloseable {
    private final EmulateOptions options;
    private final CallAudio audio;
    private final RandomGenerator random;
    private final PrintStream out;
    private final Health health = new Health();
    /** Server replies, from the end of a caller's audio to the first audio back: 1 ms buckets up to a minute. */
    private final LatencyHistogram replyLatency = new LatencyHistogram(1_000_000, 60_000);
    private final Pacer pacer = Pacer.start(health);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CallStarter.TIMEOUT)
            .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    private final Queue<EmulatedCall> live = new ConcurrentLinkedQueue<>();
    private final Queue<CompletableFuture<CallResult>> results = new ConcurrentLinkedQueue<>();
    private final CompletableFuture<Void> launched = new CompletableFuture<>();
    private final AtomicInteger ended = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    /** CPU time, clock and frames when the last call had been launched: the generator's steady state starts there. */
    private volatile long cpuAtLaunchedNanos = processCpuNanos();
    private volatile long nanosAtLaunched = System.nanoTime();
    private volatile long framesAtLaunched;
    private final long startedNanos = System.nanoTime();
    private volatile boolean stopLaunching;

    private LoadRun(EmulateOptions options, CallAudio audio, RandomGenerator random, PrintStream out) {
        this.options = options;
        this.audio = audio;
        this.random = random;
        this.out = out;
    }

    static LoadRun start(EmulateOptions options, CallAudio audio, RandomGenerator random, PrintStream out) {
        LoadRun run = new LoadRun(options, audio, random, out);
        Thread.ofVirtual().name("emulate launcher").start(run::launchAll);
        return run;
    }

    /** Starts call {@code i} at {@code i x ramp / calls}, each on its own virtual thread. */
    private void launchAll() {
        CallStarter starter = new CallStarter(options, http);
        try {
            for (int i = 0; i < options.calls() && !stopLaunching; i++) {
                long due = startedNanos + options.ramp().toNanos() * i / options.calls();
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait); // the ramp's schedule: the one honest sleep here
                }
                CallIds ids = CallIds.random(random, options.accountSid());
                CompletableFuture<CallResult> result = new CompletableFuture<>();
                results.add(result);
                Thread.ofVirtual().name("call " + ids.callSid()).start(() -> runCall(starter, ids, result));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            cpuAtLaunchedNanos = processCpuNanos();
            nanosAtLaunched = System.nanoTime();
            framesAtLaunched = health.frames();
            launched.complete(null);
        }
    }

    private void runCall(CallStarter starter, CallIds ids, CompletableFuture<CallResult> result) {
        CallResult ending;
        try {
            long setupStarted = System.nanoTime();
            CallStarter.Started started = starter.start(ids);
            print(String.format("call %s: streaming (webhook, TwiML and stream set up in %d ms)", ids.callSid(),
                    (started.startNanos() - setupStarted) / 1_000_000));
            EmulatedCall call = new EmulatedCall(ids, started.connection(), audio, options.duration(), options.out(),
                    started.startNanos(), 1, replyLatency);
            live.add(call);
            if (stopLaunching) {
                call.hangUp();
            }
            pacer.add(call);
            call.readUntilClosed();
            live.remove(call);
            ending = call.result().join();
        } catch (IOException e) {
            ending = CallResult.failed(ids.callSid(), "talking to " + options.server() + ": " + ServerProbe.explain(e));
        } catch (RuntimeException e) {
            ending = CallResult.failed(ids.callSid(), e.getMessage() == null ? e.toString() : e.getMessage());
        } catch (InterruptedException e) {
            ending = CallResult.failed(ids.callSid(), "interrupted");
        }
        (ending.ok() ? ended : failed).incrementAndGet();
        print(ending.toString());
        result.complete(ending);
    }

    private void print(String line) {
        synchronized (out) {
            out.println(line);
        }
    }

    void hangUpAll() {
        stopLaunching = true;
        live.forEach(EmulatedCall::hangUp);
    }

    /** True once every call has ended, false when {@code within} passed first. */
    boolean awaitFinished(Duration within) throws InterruptedException {
        try {
            // No call is added once launching is over, so the set of results is then final.
            launched.thenCompose(v -> CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)))
                    .get(within.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    String progress() {
        int started = results.size();
        return String.format("%.0f s: %d call(s) started, %d streaming, %d ended, %d failed; %s",
                (System.nanoTime() - startedNanos) / 1e9, started, live.size(), ended.get(), failed.get(), health.figures());
    }

    /** Prints the totals; true when every call started and ended without a problem. */
    boolean summarize() {
        Health.Figures figures = health.figures();
        GeneratorCpu cpu = new GeneratorCpu(Duration.ofNanos(processCpuNanos() - cpuAtLaunchedNanos),
                Duration.ofNanos(System.nanoTime() - nanosAtLaunched), figures.frames() - framesAtLaunched);
        out.printf("emulate: done: %d call(s), %d fine, %d failed or with problems; %s; %s%s%s%n",
                results.size(), ended.get(), failed.get(), figures, cpu, replySummary(),
                figures.fellBehind() ? String.format(" -- the generator fell behind (%.1f%% of frames late):"
                        + " server figures from this run are suspect", 100.0 * figures.late() / figures.frames()) : "");
        return failed.get() == 0 && results.size() == options.calls();
    }

    private String replySummary() {
        if (replyLatency.count() == 0) {
            return "";
        }
        return String.format("; server replies %,d, from the end of the caller's audio to the first audio back p50 %.0f ms,"
                + " p99 %.0f ms, max %.0f ms", replyLatency.count(), replyLatency.percentileMillis(0.50),
                replyLatency.percentileMillis(0.99), replyLatency.maxMillis());
    }

    private static long processCpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }

    @Override
    public void close() {
        pacer.close();
        http.close();
    }
}
