package callbridge.agent;

import callbridge.audio.Frames;
import callbridge.audio.Turn;
import callbridge.audio.TurnDetector;
import callbridge.audio.TurnSegmenter;
import callbridge.audio.WebRtcVad;
import callbridge.twilio.MalformedMessageException;
import callbridge.twilio.MediaStreamCodec;
import callbridge.twilio.MediaStreamEvent;
import callbridge.websocket.CloseCodes;
import callbridge.websocket.CloseFrame;
import callbridge.websocket.WebSocketConnection;
import callbridge.websocket.WebSocketListener;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One call's media stream, from the agent's side: greet, then answer each caller turn with the next clip;
 * hang up after the last. Twilio sends {@code connected}, {@code start}, a {@code media} frame every 20 ms,
 * the marks it has played, and {@code stop}; the agent sends {@code media} and a {@code mark} after each clip
 * (https://www.twilio.com/docs/voice/media-streams/websocket-messages). Messages arrive one at a time on the
 * connection's reader; a clip is sent from a thread of its own, all at once, since Twilio plays it at real
 * time whatever the pace it arrives at.
 */
final class AgentCall implements WebSocketListener {
    /** After the last line has played, how long the caller has to hang up before the agent does. */
    static final Duration HANG_UP_AFTER_LAST_LINE = Duration.ofSeconds(10);
    /** The caller's turn ends after this many silent 20 ms frames (800 ms): an agent answers sooner than the server waits. */
    private static final int TURN_END_FRAMES = 40;
    /** WebRTC VAD mode 3, the server's default: the most eager to call line noise silence. */
    private static final int VAD_MODE = 3;
    private static final String MARK_PREFIX = "line-";

    private final List<Clip> clips;
    private final PrintStream out;
    private final TurnSegmenter ear = new TurnSegmenter(WebRtcVad.create(VAD_MODE), TurnDetector.Settings.withSilence(TURN_END_FRAMES));
    private String streamSid;
    private String callSid = "?";
    private int nextClip;
    /** True from sending a clip until its mark comes back: the caller is hearing the agent. */
    private boolean speaking;
    /** Hangs up {@link #HANG_UP_AFTER_LAST_LINE} after the last line played; one a call, ended with the call. */
    private volatile Thread hangUpTimer;

    AgentCall(List<Clip> clips, PrintStream out) {
        this.clips = clips;
        this.out = out;
    }

    @Override
    public void onText(WebSocketConnection connection, String message) {
        Optional<MediaStreamEvent> event;
        try {
            event = MediaStreamCodec.decode(message);
        } catch (MalformedMessageException e) {
            connection.close(CloseCodes.POLICY_VIOLATION, "not a media-stream message");
            return;
        }
        switch (event.orElse(null)) {
            // One start a stream: a second would greet again, and enough of them would run out of lines.
            case MediaStreamEvent.Start start when streamSid == null -> {
                streamSid = start.streamSid();
                callSid = start.callSid();
                out.println("agent: call " + callSid + " started");
                speakNext(connection);
            }
            case MediaStreamEvent.Media media when streamSid != null -> heard(connection, media.payload());
            case MediaStreamEvent.Mark mark -> played(connection, mark.name());
            case MediaStreamEvent.Stop stop -> out.println("agent: call " + callSid + ": the caller hung up");
            case null, default -> {
                // connected, dtmf, events Twilio may add: nothing to do
            }
        }
    }

    private void heard(WebSocketConnection connection, byte[] payload) {
        for (Turn turn : ear.accept(payload, Instant.now())) {
            out.printf("agent: call %s: the caller spoke %.1f s%n", callSid,
                    turn.speechEnd().minus(turn.speechStart()).toMillis() / 1000.0);
            if (speaking) {
                continue; // this tiny agent does not listen while it talks
            }
            if (nextClip < clips.size()) {
                speakNext(connection);
            } else {
                hangUp(connection, "no line left to say");
            }
        }
    }

    /** Twilio echoes a mark once the audio before it has played. */
    private void played(WebSocketConnection connection, String mark) {
        speaking = false;
        if (mark.equals(MARK_PREFIX + clips.size()) && hangUpTimer == null) {
            hangUpTimer = Thread.ofVirtual().name("agent hang-up " + callSid).start(() -> {
                try {
                    Thread.sleep(HANG_UP_AFTER_LAST_LINE);
                    hangUp(connection, "its last line was said " + HANG_UP_AFTER_LAST_LINE.toSeconds() + " s ago");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
    }

    private void speakNext(WebSocketConnection connection) {
        Clip clip = clips.get(nextClip++);
        String mark = MARK_PREFIX + nextClip;
        speaking = true;
        out.printf("agent: call %s: says \"%s\" (%.1f s)%n", callSid, clip.label(), clip.seconds());
        String sid = streamSid;
        Thread.ofVirtual().name("agent speaks " + callSid).start(() -> {
            try {
                byte[] audio = clip.mulaw();
                for (int from = 0; from < audio.length; from += Frames.SAMPLES) {
                    connection.sendText(MediaStreamCodec.media(sid, Arrays.copyOfRange(audio, from,
                            Math.min(audio.length, from + Frames.SAMPLES))));
                }
                connection.sendText(MediaStreamCodec.mark(sid, mark));
            } catch (IOException e) {
                // the call ended while the agent spoke
            }
        });
    }

    /** Closing the stream is how an agent hangs up a {@code <Connect><Stream>} call. */
    private void hangUp(WebSocketConnection connection, String why) {
        if (connection.isOpen()) {
            out.println("agent: call " + callSid + ": hangs up (" + why + ")");
            connection.close(CloseCodes.NORMAL, "the agent hangs up");
        }
    }

    @Override
    public void onClose(WebSocketConnection connection, CloseFrame status) {
        ear.close();
        if (hangUpTimer != null) {
            hangUpTimer.interrupt(); // the caller hung up first: nothing left to wait for
        }
    }
}
