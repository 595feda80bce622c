package callbridge.config;

/**
 * How ElevenLabs text-to-speech renders the voice, sent with every request as {@code voice_settings}
 * (https://elevenlabs.io/docs/api-reference/text-to-speech/stream). The defaults are the prototype's, so
 * calls sound the same after switching to callbridge.
 *
 * @param stability       0 (widest emotional range) to 1 (most even)
 * @param similarityBoost 0 to 1: how closely the output keeps to the original voice
 * @param style           0 to 1: style exaggeration (above 0 costs some latency)
 * @param speakerBoost    boosts similarity to the original speaker
 * @param speed           0.7 to 1.2; 1 is normal pace (ElevenLabs supports no value outside that range)
 */
public record VoiceSettings(double stability, double similarityBoost, double style, boolean speakerBoost, double speed) {
    public static final double MIN_SPEED = 0.7;
    public static final double MAX_SPEED = 1.2;
    /** The prototype's: stability 0.0, similarity_boost 1.0, style 1.0, use_speaker_boost true, speed 1.0. */
    public static final VoiceSettings PROTOTYPE = new VoiceSettings(0.0, 1.0, 1.0, true, 1.0);

    public VoiceSettings {
        requireWithin("stability", stability, 0, 1);
        requireWithin("similarityBoost", similarityBoost, 0, 1);
        requireWithin("style", style, 0, 1);
        requireWithin("speed", speed, MIN_SPEED, MAX_SPEED);
    }

    private static void requireWithin(String name, double value, double min, double max) {
        if (!(value >= min && value <= max)) { // also false for NaN
            throw new IllegalArgumentException(name + " must be from " + min + " to " + max + ", got " + value);
        }
    }
}
