package callbridge.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One far-end utterance of the turn-taking set ({@code src/test/resources/turns/}, made by its
 * {@code make-turns.sh}): its mu-law audio and its segments, the stretches of speech between the pauses
 * inside the sentence, each with where it lies in the audio and the words said in it. The words inside a
 * segment are timed in proportion to their letters: the segment is what espeak-ng spoke in one go, and only
 * its start and end are measured, which is what the end of turn (a pause between segments) depends on.
 *
 * @param id       the file name without {@code .ulaw}
 * @param voice    the espeak-ng voice it was spoken with ({@code es}, {@code en-us})
 * @param audio    8 kHz mu-law, starting and ending with speech
 * @param segments in the order spoken
 */
record TurnClip(String id, String voice, byte[] audio, List<Segment> segments) {
    static final int BYTES_PER_MS = 8;
    private static final String DIRECTORY = "/turns/";

    /** A stretch of speech: bytes {@code [start, end)} of the audio say {@code text}. */
    record Segment(int start, int end, String text) {
    }

    /** A word and the byte of the audio by which it has been said. */
    record Word(String text, int end) {
    }

    TurnClip {
        audio = audio.clone();
        segments = List.copyOf(segments);
        if (segments.isEmpty() || segments.getLast().end() != audio.length) {
            throw new IllegalArgumentException(id + ": timing.tsv does not match the audio's " + audio.length + " bytes");
        }
    }

    /** Every utterance in {@code timing.tsv}, in its order. */
    static List<TurnClip> all() {
        Map<String, List<String[]>> rows = new LinkedHashMap<>();
        try (BufferedReader timing = new BufferedReader(new InputStreamReader(resource("timing.tsv"), StandardCharsets.UTF_8))) {
            timing.readLine(); // the header
            for (String line = timing.readLine(); line != null; line = timing.readLine()) {
                String[] columns = line.split("\t", -1); // id voice segment start_byte end_byte text
                rows.computeIfAbsent(columns[0], id -> new ArrayList<>()).add(columns);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading timing.tsv", e);
        }
        List<TurnClip> clips = new ArrayList<>();
        rows.forEach((id, lines) -> {
            List<Segment> segments = lines.stream()
                    .map(c -> new Segment(Integer.parseInt(c[3]), Integer.parseInt(c[4]), c[5])).toList();
            try (InputStream audio = resource(id + ".ulaw")) {
                clips.add(new TurnClip(id, lines.getFirst()[1], audio.readAllBytes(), segments));
            } catch (IOException e) {
                throw new UncheckedIOException("reading " + id + ".ulaw", e);
            }
        });
        return clips;
    }

    /** The whole sentence, as the transcript of all of it reads. */
    String text() {
        return String.join(" ", segments.stream().map(Segment::text).toList());
    }

    /** The pauses inside the sentence, in order (the silence between one segment and the next). */
    List<Duration> pauses() {
        List<Duration> pauses = new ArrayList<>();
        for (int i = 1; i < segments.size(); i++) {
            pauses.add(Duration.ofMillis((segments.get(i).start() - segments.get(i - 1).end()) / BYTES_PER_MS));
        }
        return pauses;
    }

    Duration duration() {
        return Duration.ofMillis(audio.length / BYTES_PER_MS);
    }

    /** Every word with the byte by which it has been said, each segment's time shared out by letters. */
    List<Word> words() {
        List<Word> words = new ArrayList<>();
        for (Segment segment : segments) {
            String[] parts = segment.text().split(" ");
            int letters = segment.text().replace(" ", "").length();
            int said = 0;
            for (String part : parts) {
                said += part.length();
                words.add(new Word(part, segment.start() + (segment.end() - segment.start()) * said / letters));
            }
        }
        return words;
    }

    private static InputStream resource(String name) {
        InputStream in = TurnClip.class.getResourceAsStream(DIRECTORY + name);
        if (in == null) {
            throw new IllegalStateException("no " + DIRECTORY + name + " on the class path: see src/test/resources/turns/README.md");
        }
        return in;
    }
}
