package callbridge.call;

import callbridge.audio.Frames;
import callbridge.audio.MuLaw;
import callbridge.audio.Wav;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A call's audio, both sides on one timeline, streamed to two temporary files while the call runs (one per
 * side, 16-bit PCM) and made into one stereo WAV when it ends: the far end on the left, callbridge on the
 * right. Memory per call is two small buffers, whatever the call's length; a recording stops at
 * {@link #MAX_LENGTH}.
 *
 * <p>The timeline starts when the call's record does. The far end's audio is placed by how much of it the
 * stream has carried (Twilio sends it in real time, so this is where it was heard, free of network jitter).
 * Ours is placed where Twilio plays it: Twilio buffers what we send and plays it in order, so a frame is
 * heard at the later of the moment we sent it and the end of the audio we sent before (an assumption: the
 * stream tells us only when a mark is reached). A {@code clear} drops what Twilio had not played yet, so
 * it cuts our side at the moment it was sent. Silence fills whatever a side did not say.
 *
 * <p>A write that fails (a full disk, a directory gone) ends the recording, not the call: the failure is
 * reported once to {@code onFailure} and the rest of the call is not recorded.
 */
final class CallRecording {
    /** The longest recording: 1 hour is 115 MB of stereo 16-bit audio at 8 kHz. */
    static final Duration MAX_LENGTH = Duration.ofHours(1);
    /** A recording that records nothing, for calls with recording off: every method returns at once. */
    static final CallRecording OFF = new CallRecording();

    private static final long MAX_SAMPLES = MAX_LENGTH.toSeconds() * Frames.SAMPLE_RATE;
    private static final int BYTES_PER_SAMPLE = 2;

    private final Track farEnd;
    private final Track ours;
    private final Instant origin;

    private CallRecording() {
        this.farEnd = null;
        this.ours = null;
        this.origin = Instant.EPOCH;
    }

    private CallRecording(Track farEnd, Track ours, Instant origin) {
        this.farEnd = farEnd;
        this.ours = ours;
        this.origin = origin;
    }

    /**
     * Starts recording into temporary files {@code <stem>.left.part} and {@code <stem>.right.part} in
     * {@code directory}; the timeline begins at {@code origin}.
     */
    static CallRecording start(Path directory, String stem, Instant origin, Consumer<IOException> onFailure)
            throws IOException {
        Files.createDirectories(directory);
        Track left = new Track(directory.resolve(stem + ".left.part"), onFailure);
        try {
            return new CallRecording(left, new Track(directory.resolve(stem + ".right.part"), onFailure), origin);
        } catch (IOException e) {
            left.discard();
            throw e;
        }
    }

    boolean isOn() {
        return farEnd != null;
    }

    /** Where {@code at} is on the timeline, in samples. */
    long position(Instant at) {
        return Math.max(0, Duration.between(origin, at).toNanos() * Frames.SAMPLE_RATE / 1_000_000_000L);
    }

    /** The far end's audio, {@code sample} samples into the call. */
    void farEnd(long sample, byte[] mulaw) {
        if (farEnd != null) {
            farEnd.write(sample, mulaw);
        }
    }

    /** Our audio, sent at {@code sentAt}: it plays after whatever we sent before it. */
    void ours(Instant sentAt, byte[] mulaw) {
        if (ours != null) {
            ours.write(position(sentAt), mulaw);
        }
    }

    /** A {@code clear} went out at {@code at}: our audio not played by then never will be. */
    void cutOurs(Instant at) {
        if (ours != null) {
            ours.cut(position(at));
        }
    }

    /**
     * Writes the stereo WAV to {@code wav} (through a temporary file beside it, renamed into place) and
     * deletes the temporary files. Empty when the recording failed or was off.
     */
    java.util.Optional<CallRecord.Recording> finishInto(Path wav) throws IOException {
        if (farEnd == null) {
            return java.util.Optional.empty();
        }
        try {
            if (!farEnd.close() | !ours.close()) {
                return java.util.Optional.empty();
            }
            long samples = Math.max(farEnd.samples(), ours.samples());
            Path temporary = wav.resolveSibling(wav.getFileName() + ".part");
            try (InputStream left = new BufferedInputStream(Files.newInputStream(farEnd.file));
                 InputStream right = new BufferedInputStream(Files.newInputStream(ours.file));
                 OutputStream out = new BufferedOutputStream(Files.newOutputStream(temporary))) {
                out.write(Wav.header(2, samples * 2 * BYTES_PER_SAMPLE));
                for (long i = 0; i < samples; i++) {
                    copySample(left, out);
                    copySample(right, out);
                }
            } catch (IOException e) {
                Files.deleteIfExists(temporary);
                throw e;
            }
            RecordFiles.moveIntoPlace(temporary, wav);
            boolean truncated = farEnd.truncated || ours.truncated;
            return java.util.Optional.of(new CallRecord.Recording(wav.getFileName().toString(),
                    Duration.ofMillis(samples * 1000 / Frames.SAMPLE_RATE), truncated));
        } finally {
            discard();
        }
    }

    /** Deletes the temporary files without making a WAV. */
    void discard() {
        if (farEnd != null) {
            farEnd.discard();
            ours.discard();
        }
    }

    /** One sample of a side, or silence where that side's file has ended. */
    private static void copySample(InputStream side, OutputStream out) throws IOException {
        int low = side.read();
        int high = low < 0 ? -1 : side.read();
        out.write(low < 0 ? 0 : low);
        out.write(high < 0 ? 0 : high);
    }

    /**
     * One side: 16-bit little-endian PCM in a file, written through a buffer. Writes land at the later of
     * their position and the side's end (so audio is never overlaid), and silence fills any gap before them.
     */
    private static final class Track {
        /** Half a second of audio: one write to the file per half second of speech. */
        private static final int BUFFER_BYTES = Frames.SAMPLE_RATE;

        private final Path file;
        private final Consumer<IOException> onFailure;
        private final ReentrantLock lock = new ReentrantLock();
        private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        private FileChannel channel;
        /** Bytes in the file, not counting the buffer. */
        private long flushed;
        private boolean truncated;

        Track(Path file, Consumer<IOException> onFailure) throws IOException {
            this.file = file;
            this.onFailure = onFailure;
            this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE);
        }

        void write(long position, byte[] mulaw) {
            lock.lock();
            try {
                if (channel == null) {
                    return;
                }
                long at = Math.max(position, samples());
                for (long gap = at - samples(); gap > 0 && !full(); gap--) {
                    put((short) 0);
                }
                for (int i = 0; i < mulaw.length && !full(); i++) {
                    put(MuLaw.decode(mulaw[i]));
                }
            } catch (IOException e) {
                fail(e);
            } finally {
                lock.unlock();
            }
        }

        /** Drops everything at or after {@code position}. */
        void cut(long position) {
            lock.lock();
            try {
                if (channel == null || position >= samples()) {
                    return;
                }
                flush();
                channel.truncate(position * BYTES_PER_SAMPLE);
                flushed = position * BYTES_PER_SAMPLE;
            } catch (IOException e) {
                fail(e);
            } finally {
                lock.unlock();
            }
        }

        long samples() {
            return (flushed + buffer.position()) / BYTES_PER_SAMPLE;
        }

        /** Flushes and closes; false if the track failed at some point. */
        boolean close() {
            lock.lock();
            try {
                if (channel == null) {
                    return false;
                }
                flush();
                channel.close();
                channel = null;
                return true;
            } catch (IOException e) {
                fail(e);
                return false;
            } finally {
                lock.unlock();
            }
        }

        void discard() {
            lock.lock();
            try {
                closeQuietly();
                Files.deleteIfExists(file);
            } catch (IOException e) {
                onFailure.accept(e);
            } finally {
                lock.unlock();
            }
        }

        private boolean full() {
            if (samples() >= MAX_SAMPLES) {
                truncated = true;
                return true;
            }
            return false;
        }

        private void put(short sample) throws IOException {
            if (!buffer.hasRemaining()) {
                flush();
            }
            buffer.putShort(sample);
        }

        private void flush() throws IOException {
            buffer.flip();
            while (buffer.hasRemaining()) {
                flushed += channel.write(buffer, flushed);
            }
            buffer.clear();
        }

        private void fail(IOException e) {
            closeQuietly();
            onFailure.accept(e);
        }

        private void closeQuietly() {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // the failure that brought us here is the one reported
                }
                channel = null;
            }
        }
    }
}
