package callbridge.speech;

import callbridge.audio.Frames;
import callbridge.speech.ElevenLabsRealtimeSpeechToText.Limits;
import callbridge.speech.ScribeRealtimeMessages.Committed;
import callbridge.speech.ScribeRealtimeMessages.Ignored;
import callbridge.speech.ScribeRealtimeMessages.MalformedMessageException;
import callbridge.speech.ScribeRealtimeMessages.Partial;
import callbridge.speech.ScribeRealtimeMessages.ServiceError;
import callbridge.speech.ScribeRealtimeMessages.SessionStarted;

import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One call's realtime transcription over one {@link WebSocket}.
 *
 * <p>Sending: audio and commits wait in an {@link AudioOutbox} until the service has said
 * {@code session_started}, as the SDKs' examples do (an {@code auth_error} or {@code invalid_request} then
 * comes before any audio was spent on a session that was never going to work, and the wait is one round
 * trip at the start of the call). From then on one message is in flight at a time (the JDK's rule), the
 * next sent when the previous one was taken. Nothing here blocks the caller: a send that is never taken
 * shows as the outbox reaching its bound, and the session fails.
 *
 * <p>Receiving: the WebSocket is asked for one message at a time, and for the next only once the listener
 * has had this one ({@link SerialListener}): a service flooding partial transcripts waits on its own
 * socket, and this side holds one message, at most {@link Limits#maxMessageChars} long.
 */
final class ScribeRealtimeSession implements RealtimeSpeechToText.Session, WebSocket.Listener {
    private static final System.Logger LOG = System.getLogger(ScribeRealtimeSession.class.getName());
    /** 100 ms of 8 kHz mu-law: five of Twilio's 20 ms frames a message. */
    static final int CHUNK_BYTES = 5 * Frames.SAMPLES;
    /** How long our close frame and the service's answer may take before the connection is dropped. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(2);

    private enum State { OPEN, FAILED, CLOSED }

    private final String label;
    private final Limits limits;
    private final SerialListener events;
    private final AtomicReference<State> state = new AtomicReference<>(State.OPEN);
    private final ReentrantLock lock = new ReentrantLock();
    // Guarded by lock.
    private final AudioOutbox outbox;
    private WebSocket webSocket;
    private boolean started;
    private int unansweredCommits;
    /** The message being received in parts; only touched on the WebSocket's listener calls, one at a time. */
    private final StringBuilder incoming = new StringBuilder();

    private ScribeRealtimeSession(String label, Limits limits, RealtimeSpeechToText.Listener listener) {
        this.label = label;
        this.limits = limits;
        this.events = new SerialListener(listener, label);
        this.outbox = new AudioOutbox(CHUNK_BYTES, (int) (limits.maxQueuedAudio().toMillis() * Frames.SAMPLE_RATE / 1_000));
    }

    /** Starts connecting and returns at once; a failure to connect reaches the listener. */
    static ScribeRealtimeSession connect(WebSocket.Builder builder, URI uri, Limits limits, String label,
                                         RealtimeSpeechToText.Listener listener) {
        ScribeRealtimeSession session = new ScribeRealtimeSession(label, limits, listener);
        builder.connectTimeout(limits.connectTimeout())
                .buildAsync(uri, session)
                .whenComplete((webSocket, failure) -> {
                    if (failure != null) {
                        session.handshakeFailed(failure);
                    }
                });
        return session;
    }

    /** A session that failed before it began (no key to connect with). */
    static ScribeRealtimeSession failed(String label, RealtimeSpeechToText.Listener listener, String detail) {
        ScribeRealtimeSession session = new ScribeRealtimeSession(label, Limits.DEFAULT, listener);
        session.fail(SpeechException.Kind.OTHER, detail);
        return session;
    }

    @Override
    public boolean sendAudio(byte[] mulaw) {
        boolean taken;
        boolean hasStarted;
        Optional<AudioOutbox.Outgoing> next;
        WebSocket open;
        // One lock a payload: four payloads in five only add to the chunk being gathered, and nothing goes out.
        lock.lock();
        try {
            if (state.get() != State.OPEN) {
                return false;
            }
            taken = outbox.addAudio(mulaw);
            hasStarted = started;
            next = taken ? nextToSend() : Optional.empty();
            open = webSocket;
        } finally {
            lock.unlock();
        }
        if (!taken) {
            long seconds = limits.maxQueuedAudio().toSeconds();
            fail(SpeechException.Kind.TIMEOUT, hasStarted
                    ? "the service is not reading: " + seconds + " s of audio wait to be sent"
                    : "the session did not start: " + seconds + " s of audio waited for session_started");
            return false;
        }
        next.ifPresent(message -> send(open, message));
        return true;
    }

    @Override
    public boolean commit() {
        boolean overdue;
        lock.lock();
        try {
            if (state.get() != State.OPEN) {
                return false;
            }
            overdue = unansweredCommits >= limits.maxUnansweredCommits();
            if (!overdue) {
                outbox.commit();
                unansweredCommits++;
            }
        } finally {
            lock.unlock();
        }
        if (overdue) {
            // Counted, not timed: a service that takes audio but never answers shows by the commits it owes.
            fail(SpeechException.Kind.TIMEOUT, "the service answered none of the last "
                    + limits.maxUnansweredCommits() + " commits");
            return false;
        }
        pump();
        return true;
    }

    @Override
    public void close() {
        State was = state.getAndSet(State.CLOSED);
        events.close();
        if (was != State.OPEN) {
            return; // failed (the socket is already dropped) or closed before
        }
        WebSocket open = socket();
        if (open != null) {
            closeGracefully(open);
        } // else onOpen finds the session closed and drops the connection
        LOG.log(Level.DEBUG, "realtime speech-to-text {0}: closed", label);
    }

    // WebSocket.Listener: the JDK calls these one at a time, in order.

    @Override
    public void onOpen(WebSocket webSocket) {
        lock.lock();
        try {
            this.webSocket = webSocket;
        } finally {
            lock.unlock();
        }
        if (state.get() != State.OPEN) {
            webSocket.abort(); // closed or failed while connecting
            return;
        }
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        if (state.get() != State.OPEN) {
            return null;
        }
        if (incoming.length() + data.length() > limits.maxMessageChars()) {
            incoming.setLength(0);
            fail(SpeechException.Kind.OTHER, "the service sent a message over " + limits.maxMessageChars() + " characters");
            return null;
        }
        incoming.append(data);
        if (!last) {
            webSocket.request(1);
            return null;
        }
        String message = incoming.toString();
        incoming.setLength(0);
        handle(webSocket, message);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        // The protocol is JSON text both ways: binary is a service we do not understand.
        fail(SpeechException.Kind.OTHER, "the service sent a binary message");
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        fail(SpeechException.Kind.CONNECTION, "the service closed the session (" + statusCode
                + (reason.isEmpty() ? "" : " " + reason) + ")");
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        fail(SpeechException.Kind.CONNECTION, "the connection to the service broke: " + error);
    }

    private void handle(WebSocket webSocket, String message) {
        ScribeRealtimeMessages.ServerEvent event;
        try {
            event = ScribeRealtimeMessages.decode(message);
        } catch (MalformedMessageException e) {
            fail(SpeechException.Kind.OTHER, "unreadable message from the service: " + e.getMessage());
            return;
        }
        switch (event) {
            case SessionStarted started -> {
                lock.lock();
                try {
                    this.started = true;
                } finally {
                    lock.unlock();
                }
                LOG.log(Level.DEBUG, "realtime speech-to-text {0}: session {1} started", label, started.sessionId());
                pump();
                requestNext();
            }
            case Partial partial -> events.partial(partial.text(), this::requestNext);
            case Committed committed -> {
                lock.lock();
                try {
                    // The service also commits on its own after 90 s of uncommitted audio: never below zero.
                    unansweredCommits = Math.max(0, unansweredCommits - 1);
                } finally {
                    lock.unlock();
                }
                events.committed(committed.text(), this::requestNext);
            }
            case ServiceError error -> fail(error.kind(), error.type() + ": " + error.message());
            case Ignored ignored -> requestNext();
        }
    }

    private void requestNext() {
        WebSocket open = socket();
        if (open != null && state.get() == State.OPEN) {
            open.request(1);
        }
    }

    /** Sends the next waiting message, when the session has started and nothing is in flight. */
    private void pump() {
        Optional<AudioOutbox.Outgoing> next;
        WebSocket open;
        lock.lock();
        try {
            next = nextToSend();
            open = webSocket;
        } finally {
            lock.unlock();
        }
        next.ifPresent(message -> send(open, message));
    }

    /** With the lock held: the next message to send now, marked in flight; empty while nothing may go out. */
    private Optional<AudioOutbox.Outgoing> nextToSend() {
        if (state.get() != State.OPEN || !started || webSocket == null) {
            return Optional.empty();
        }
        return outbox.next();
    }

    /** Sends one message; once the connection has taken it, the next (the JDK takes one text send at a time). */
    private void send(WebSocket open, AudioOutbox.Outgoing message) {
        open.sendText(message.text(), true).whenComplete((sent, failure) -> {
            if (failure != null) {
                fail(SpeechException.Kind.CONNECTION, "a send to the service failed: " + unwrap(failure));
                return;
            }
            lock.lock();
            try {
                outbox.sent();
            } finally {
                lock.unlock();
            }
            pump();
        });
    }

    private void handshakeFailed(Throwable failure) {
        Throwable cause = unwrap(failure);
        switch (cause) {
            case WebSocketHandshakeException refused -> {
                int status = refused.getResponse().statusCode();
                SpeechException.Kind kind = status == 429 ? SpeechException.Kind.RATE_LIMITED
                        : status / 100 == 4 ? SpeechException.Kind.HTTP_4XX
                        : status / 100 == 5 ? SpeechException.Kind.HTTP_5XX
                        : SpeechException.Kind.OTHER;
                fail(kind, "the service refused the connection: HTTP " + status
                        + (status == 401 || status == 403 ? " (check ELEVENLABS_API_KEY)" : ""));
            }
            case HttpTimeoutException timedOut -> fail(SpeechException.Kind.TIMEOUT,
                    "no connection within " + limits.connectTimeout().toMillis() + " ms");
            case ConnectException refused -> fail(SpeechException.Kind.CONNECTION, "cannot connect: " + refused);
            default -> fail(SpeechException.Kind.CONNECTION, "the connection failed: " + cause);
        }
    }

    /** The session is dead: the listener hears it once (unless closed), the connection is dropped. */
    private void fail(SpeechException.Kind kind, String detail) {
        if (!state.compareAndSet(State.OPEN, State.FAILED)) {
            return;
        }
        LOG.log(Level.DEBUG, "realtime speech-to-text {0} failed ({1}): {2}", label, kind.label(), detail);
        events.failed(kind, detail);
        WebSocket open = socket();
        if (open != null) {
            open.abort();
        }
    }

    /** RFC 6455 1000, then the connection is dropped if the close handshake has not ended it in time. */
    private static void closeGracefully(WebSocket open) {
        try {
            open.sendClose(WebSocket.NORMAL_CLOSURE, "");
        } catch (IllegalStateException e) {
            open.abort();
            return;
        }
        CompletableFuture.delayedExecutor(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).execute(open::abort);
    }

    private WebSocket socket() {
        lock.lock();
        try {
            return webSocket;
        } finally {
            lock.unlock();
        }
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
