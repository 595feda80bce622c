package callbridge.emulate;

import callbridge.audio.AudioFile;
import callbridge.config.UsageException;
import callbridge.config.WritableDirectory;

import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code emulate}: plays Twilio against a callbridge server, for one call or as a load generator. Each call
 * is started on its own virtual thread (webhook, TwiML, WebSocket, {@code start}); from then on one
 * {@link Pacer} thread sends every call's frames and a virtual thread per call reads what the server says
 * (it sleeps in the kernel until something arrives). Prints a line per call as it ends, progress every
 * {@code --progress}, and at the end the generator's own health.
 */
public final class Emulate {
    /** After Ctrl-C, how long calls get to finish their close handshakes. */
    private static final Duration HANG_UP_GRACE = Duration.ofSeconds(10);

    /** Process exit codes. */
    public enum Exit {
        OK(0), CALLS_FAILED(1), USAGE(2), NO_SERVER(3);

        public final int code;

        Exit(int code) {
            this.code = code;
        }
    }

    private Emulate() {
    }

    /**
     * @param settings the environment over {@code .env}
     * @param out      what the run prints: a line per call, progress, the totals
     * @param err      why the run could not start
     * @param stop     counted down to hang up every call (Ctrl-C)
     */
    public static Exit run(List<String> args, Map<String, String> settings, PrintStream out, PrintStream err,
                           CountDownLatch stop) throws InterruptedException {
        if (EmulateOptions.wantsHelp(args)) {
            out.println(EmulateOptions.help());
            return Exit.OK;
        }
        EmulateOptions options;
        CallAudio audio;
        try {
            options = EmulateOptions.parse(args, settings);
            audio = load(options);
            if (options.out().isPresent()) {
                WritableDirectory.prepare(options.out().get());
            }
        } catch (UsageException e) {
            err.println("emulate: " + e.getMessage() + "\n(emulate --help lists every flag; no call was made)");
            return Exit.USAGE;
        } catch (IOException e) {
            err.println("emulate: --out: " + e.getMessage() + "\n(no call was made)");
            return Exit.USAGE;
        }
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(ServerProbe.TIMEOUT).build()) {
            ServerProbe.check(http, options.server());
        } catch (UsageException e) {
            err.println("emulate: " + e.getMessage() + "\n(no call was made)");
            return Exit.NO_SERVER;
        }
        out.printf("emulate: %d call(s) to %s over %.1f s%s%s%n", options.calls(), options.server(),
                options.ramp().toMillis() / 1000.0,
                options.audio().map(a -> ", saying " + a + " (" + audio.speechLength().toMillis() + " ms)").orElse(", silent"),
                options.signing().isPresent() ? ", signed with TWILIO_AUTH_TOKEN" : ", unsigned (no TWILIO_AUTH_TOKEN)");
        try (LoadRun load = LoadRun.start(options, audio, new SecureRandom(), out)) {
            return await(load, stop, out, options.progressEvery()) ? Exit.OK : Exit.CALLS_FAILED;
        }
    }

    private static CallAudio load(EmulateOptions options) throws UsageException {
        if (options.audio().isEmpty()) {
            return CallAudio.silenceOnly();
        }
        return CallAudio.of(AudioFile.readMuLaw8k(options.audio().get()), options.repeat());
    }

    /** Waits for every call to end, printing progress; Ctrl-C hangs them all up. True when all went well. */
    private static boolean await(LoadRun load, CountDownLatch stop, PrintStream out, Duration progressEvery)
            throws InterruptedException {
        Thread.ofVirtual().name("emulate hang-up").start(() -> {
            try {
                stop.await();
                out.println("emulate: hanging up every call");
                load.hangUpAll();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        long giveUpAt = Long.MAX_VALUE;
        while (!load.awaitFinished(progressEvery)) {
            if (stop.getCount() == 0) {
                giveUpAt = Math.min(giveUpAt, System.nanoTime() + HANG_UP_GRACE.toNanos());
                if (System.nanoTime() - giveUpAt >= 0) {
                    out.println("emulate: some calls did not finish within " + HANG_UP_GRACE.toSeconds() + " s of hanging up");
                    break;
                }
            }
            out.println("emulate: " + load.progress());
        }
        return load.summarize();
    }
}
