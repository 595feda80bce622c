package callbridge.agent;

import callbridge.config.Flags;
import callbridge.config.UsageException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code emulate agent} was asked to say, checked before anything is served.
 *
 * @param port  where the webhook and the stream are served, on loopback (0 picks a free port)
 * @param lines what the agent says, one line of text each, spoken with ElevenLabs; empty when {@code audio} is given
 * @param audio WAV files the agent plays instead of {@code lines}; empty when {@code lines} is given
 */
record AgentOptions(int port, List<String> lines, List<Path> audio) {
    static final int DEFAULT_PORT = 7860;
    private static final Set<String> FLAGS = Set.of("--port", "--lines", "--audio");

    AgentOptions {
        lines = List.copyOf(lines);
        audio = List.copyOf(audio);
    }

    static boolean wantsHelp(List<String> args) {
        return args.contains("--help") || args.contains("-h");
    }

    static String help() {
        return """
                usage: java -jar callbridge.jar emulate agent [--port N] (--lines FILE | --audio A.wav,B.wav,...)
                A tiny example voice agent speaking Twilio's protocol, to try talk --local-agent on one machine.
                Its webhook is http://localhost:PORT/twilio; it answers <Connect><Stream>, speaks its first line as
                a greeting, then one line each time the caller finishes a turn, sends a mark after each line, and
                hangs up after its last line (when the caller speaks again, or %d s after it was played).
                  --port N          the port to serve on, on loopback (default %d)
                  --lines FILE      the agent's lines, one per line of text, spoken with ElevenLabs text-to-speech
                                    (ELEVENLABS_API_KEY, and the TTS_* settings, as the server uses them)
                  --audio A.wav,... WAV files to play instead of lines, in order (no speech key needed)
                Exit codes: 0 stopped with Ctrl-C, 2 a flag, file or setting is wrong, 1 the port is in use."""
                .formatted(AgentCall.HANG_UP_AFTER_LAST_LINE.toSeconds(), DEFAULT_PORT);
    }

    /** @throws UsageException naming the first flag that is unknown, malformed or missing */
    static AgentOptions parse(List<String> args) throws UsageException {
        Map<String, String> flags = Flags.read(args, FLAGS, Set.of());
        String portFlag = flags.getOrDefault("--port", Integer.toString(DEFAULT_PORT));
        int port = portFlag.matches("[0-9]{1,5}") ? Integer.parseInt(portFlag) : -1;
        if (port < 0 || port > 65_535) {
            throw new UsageException("--port must be a whole number from 0 to 65535: '" + portFlag + "'");
        }
        if (flags.containsKey("--lines") == flags.containsKey("--audio")) {
            throw new UsageException("give the agent's words as --lines FILE (spoken with ElevenLabs) or as"
                    + " --audio A.wav,B.wav (played as they are), one of the two");
        }
        if (flags.containsKey("--audio")) {
            List<Path> files = Arrays.stream(flags.get("--audio").split(",")).map(String::strip)
                    .filter(name -> !name.isEmpty()).map(Path::of).toList();
            if (files.isEmpty()) {
                throw new UsageException("--audio names no file: give A.wav,B.wav,...");
            }
            return new AgentOptions(port, List.of(), files);
        }
        return new AgentOptions(port, readLines(Path.of(flags.get("--lines"))), List.of());
    }

    private static List<String> readLines(Path file) throws UsageException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip)
                    .filter(line -> !line.isEmpty()).toList();
        } catch (IOException e) {
            throw new UsageException("--lines " + file + " (" + file.toAbsolutePath() + ") cannot be read: " + e.getMessage());
        }
        if (lines.isEmpty()) {
            throw new UsageException("--lines " + file + " has no line to say");
        }
        return lines;
    }
}
