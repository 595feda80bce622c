package callbridge.server;

/**
 * Every path the public port serves, in one table. {@link callbridge.Callbridge} puts a handler on each;
 * the webhook's TwiML points Twilio at {@link #MEDIA}.
 */
public final class Routes {
    /**
     * Readiness for a load balancer: 200, or 404 once a drain or a shutdown has begun (send no new calls
     * here), or 503 when media streams are no longer read.
     */
    public static final String HEALTH = "/health";
    /** Liveness for an orchestrator: 200 while the process works, draining included. */
    public static final String LIVENESS = "/health/live";
    /** Twilio's voice webhook: answered with TwiML that streams the call to {@link #MEDIA}. */
    public static final String VOICE_WEBHOOK = "/twilio-voice";
    /** One turn of the conversation, for whoever drives the call. */
    public static final String GENERATE = "/generate";
    /**
     * The calls: {@code /calls} lists the live ones, {@code /calls/{CallSid}} is one call's record, and
     * {@code /calls/next} hands a new call to a driver.
     */
    public static final String CALLS = "/calls";
    /** The server's metrics in the Prometheus text format; open, or for a bearer token when {@code METRICS_KEY} is set. */
    public static final String METRICS = "/metrics";
    /** The media-stream WebSocket; each call's stream URL is below it, {@code /media/{CallSid}/{token}}. */
    public static final String MEDIA = "/media";

    private Routes() {
    }
}
