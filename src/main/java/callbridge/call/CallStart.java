package callbridge.call;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What is known of a call when its media stream starts: which call, on which stream, who called whom, and
 * when. The {@link CallObserver} hears of each new call with it, and {@code /calls/next} hands it to the
 * driver that claims the call.
 *
 * @param parameters the stream's custom parameters, as the webhook's TwiML put them (From, To, Direction)
 * @param startedAt  when the call's first stream started: where its record and its recording begin
 */
public record CallStart(String callSid, String streamSid, Map<String, String> parameters, Instant startedAt) {
    public CallStart {
        Objects.requireNonNull(callSid, "callSid");
        Objects.requireNonNull(streamSid, "streamSid");
        Objects.requireNonNull(startedAt, "startedAt");
        parameters = Map.copyOf(parameters);
    }

    public Optional<String> from() {
        return Optional.ofNullable(parameters.get("From"));
    }

    public Optional<String> to() {
        return Optional.ofNullable(parameters.get("To"));
    }
}
