package callbridge.agent;

import callbridge.audio.Frames;

/**
 * One thing the agent says: its audio as 8 kHz mu-law, made once at start-up so every call answers at once.
 *
 * @param label what it says (the line's text), or the file it came from
 */
record Clip(String label, byte[] mulaw) {
    Clip {
        if (mulaw.length == 0) {
            throw new IllegalArgumentException("no audio for '" + label + "'");
        }
    }

    double seconds() {
        return Frames.durationOf(mulaw.length).toMillis() / 1000.0;
    }
}
