package callbridge.record;

import callbridge.audio.Frames;
import callbridge.audio.MuLaw;
import callbridge.audio.Wav;
import callbridge.logging.RateLimitedLog;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A call's audio, both sides on one timeline, streamed to two temporary files while the call runs (one per
 * side, 16-bit PCM) and made into one stereo WAV when it ends: the far end on the left, callbridge on the
 * right. Memory per call is a few small buffers, whatever the call's length; a recording stops at
 * {@link #MAX_LENGTH}.
 *
 * <p>The timeline starts when the call's record does. The far end's audio is placed by how much of it the
 * stream has carried (Twilio sends it in real time, so this is where it was heard, free of network jitter).
 * Ours is placed where Twilio plays it: Twilio buffers what we send and plays it in order, so a frame is
 * heard at the later of the moment we sent it and the end of the audio we sent before (an assumption: the
 * stream tells us only when a mark is reached). A {@code clear} drops what Twilio had not played yet, so
 * it cuts our side at the moment it was sent. Silence fills whatever a side did not say.
 *
 * <p>The far end's audio arrives on a selector thread that many calls share, which must never wait for a
 * disk. So the files are opened, written and cut on the recording's own thread ({@link RecordingDisk}): recording a
 * frame only decodes it into a buffer, and a full buffer (half a second of a side) is handed over. A disk
 * that fails, or falls {@link RecordingDisk#MAX_PENDING_WRITES} writes behind, ends the recording, not the call: the
 * failure is reported once to {@code onFailure} and the rest of the call is not recorded.
 */
final class CallRecording {
    /** The longest recording: 1 hour is 115 MB of stereo 16-bit audio at 8 kHz. */
    static final Duration MAX_LENGTH = Duration.ofHours(1);
    /** A recording that records nothing, for calls with recording off: every method returns at once. */
    static final CallRecording OFF = new CallRecording();

    private static final long MAX_SAMPLES = MAX_LENGTH.toSeconds() * Frames.SAMPLE_RATE;
    private static final int BYTES_PER_SAMPLE = 2;
    /** A temporary file left behind takes disk (up to 115 MB) until the next start-up sweeps it: said, not dropped. */
    private static final RateLimitedLog DELETE_FAILED = RateLimitedLog.of(System.getLogger(CallRecording.class.getName()),
            System.Logger.Level.WARNING);
    /** Bytes of one side read at a time to build the WAV: 4 s of audio, 64 KB. */
    private static final int INTERLEAVE_BYTES = 64 * 1024;
    /**
     * How a temporary file is made: a new file, or a failure. Anyone who may write in the records directory
     * could otherwise plant a link at a temporary file's name (they are predictable) and have callbridge
     * overwrite whatever it points to; a file already there is refused too, so no other writer's file is
     * taken over.
     */
    private static final OpenOption[] NEW_FILE = {StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS};

    private final RecordingDisk disk;
    private final Track farEnd;
    private final Track ours;
    private final Instant origin;
    /**
     * Set once, by whichever comes first: the WAV being moved into place, or the recording being discarded
     * (a shutdown that cannot wait for it any longer), so that neither undoes the other.
     */
    private final AtomicBoolean settled = new AtomicBoolean();
    /** The WAV's temporary file once it is being written, for a discard to delete. */
    private volatile Path wavPart;

    private CallRecording() {
        this.disk = null;
        this.farEnd = null;
        this.ours = null;
        this.origin = Instant.EPOCH;
    }

    private CallRecording(RecordingDisk disk, Path directory, String stem, Instant origin) {
        this.disk = disk;
        this.farEnd = new Track(directory.resolve(stem + ".left.part"), disk);
        this.ours = new Track(directory.resolve(stem + ".right.part"), disk);
        this.origin = origin;
    }

    /**
     * Starts recording into temporary files {@code <stem>.left.part} and {@code <stem>.right.part} in
     * {@code directory}; the timeline begins at {@code origin}. Returns at once: the files are made on the
     * recording's own thread, and a failure to make them is reported to {@code onFailure}.
     */
    static CallRecording start(Path directory, String stem, Instant origin, Consumer<IOException> onFailure) {
        RecordingDisk disk = new RecordingDisk("recording " + stem, onFailure);
        disk.submit(() -> Files.createDirectories(directory));
        return new CallRecording(disk, directory, stem, origin);
    }

    /** False when recording is off, or has stopped because its disk failed. */
    boolean isOn() {
        return disk != null && !disk.failed();
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
     * Waits for the disk to finish the recording (within {@link RecordingDisk#FINISH_PATIENCE}), then writes the stereo
     * WAV to {@code wav} (through a temporary file beside it, renamed into place) and deletes the temporary
     * files. Empty when the recording failed, was off or was discarded meanwhile. An hour of recording is
     * 115 MB to write: call it on a thread that nothing else waits for.
     */
    java.util.Optional<CallRecord.Recording> finishInto(Path wav) throws IOException {
        if (farEnd == null) {
            return java.util.Optional.empty();
        }
        try {
            farEnd.finish();
            ours.finish();
            if (!disk.finish()) {
                return java.util.Optional.empty();
            }
            long samples = Math.max(farEnd.samples(), ours.samples());
            Path temporary = wav.resolveSibling(wav.getFileName() + ".part");
            OutputStream file = Files.newOutputStream(temporary, NEW_FILE); // if this fails, what is there is not ours
            wavPart = temporary;
            try (OutputStream out = new BufferedOutputStream(file, 2 * INTERLEAVE_BYTES);
                 InputStream left = Files.newInputStream(farEnd.file, LinkOption.NOFOLLOW_LINKS);
                 InputStream right = Files.newInputStream(ours.file, LinkOption.NOFOLLOW_LINKS)) {
                out.write(Wav.header(2, samples * 2 * BYTES_PER_SAMPLE));
                interleave(left, right, out, samples);
            } catch (IOException e) {
                Files.deleteIfExists(temporary);
                throw e;
            }
            if (!settled.compareAndSet(false, true)) { // discarded while the WAV was being written
                Files.deleteIfExists(temporary);
                return java.util.Optional.empty();
            }
            RecordFiles.moveIntoPlace(temporary, wav);
            boolean truncated = farEnd.truncated || ours.truncated;
            return java.util.Optional.of(new CallRecord.Recording(wav.getFileName().toString(),
                    Duration.ofMillis(samples * 1000 / Frames.SAMPLE_RATE), truncated));
        } finally {
            deleteSides();
        }
    }

    /**
     * Stops the recording's disk work, dropping writes not done yet, and deletes its temporary files, the
     * WAV's too if one is being written: no WAV will come of it. False, and nothing dropped, when its WAV
     * has already been written and is being moved into place.
     */
    boolean discard() {
        if (disk == null) {
            return true;
        }
        if (!settled.compareAndSet(false, true)) {
            return false;
        }
        deleteSides();
        Path temporary = wavPart;
        if (temporary != null) {
            try {
                // Whoever writes it finds the recording settled and deletes what it wrote since.
                Files.deleteIfExists(temporary);
            } catch (IOException e) {
                deleteFailed(temporary, e);
            }
        }
        return true;
    }

    /** Stops the recording's disk work, dropping writes not done yet, and deletes both sides' files. */
    private void deleteSides() {
        disk.stop();
        farEnd.delete();
        ours.delete();
    }

    /**
     * {@code samples} stereo samples, each side's next followed by the other's, a block of each side at a
     * time; silence where a side's file has ended. Sample by sample, through four single-byte calls each,
     * an hour took 13 s of CPU.
     */
    private static void interleave(InputStream left, InputStream right, OutputStream out, long samples) throws IOException {
        byte[] l = new byte[INTERLEAVE_BYTES];
        byte[] r = new byte[INTERLEAVE_BYTES];
        byte[] stereo = new byte[2 * INTERLEAVE_BYTES];
        for (long done = 0; done < samples; ) {
            int bytes = (int) Math.min(INTERLEAVE_BYTES, (samples - done) * BYTES_PER_SAMPLE);
            readOrSilence(left, l, bytes);
            readOrSilence(right, r, bytes);
            for (int i = 0, o = 0; i < bytes; i += BYTES_PER_SAMPLE, o += 2 * BYTES_PER_SAMPLE) {
                stereo[o] = l[i];
                stereo[o + 1] = l[i + 1];
                stereo[o + 2] = r[i];
                stereo[o + 3] = r[i + 1];
            }
            out.write(stereo, 0, 2 * bytes);
            done += bytes / BYTES_PER_SAMPLE;
        }
    }

    /** The side's next {@code bytes}, zeros (silence) for whatever of them its file does not have. */
    private static void readOrSilence(InputStream side, byte[] into, int bytes) throws IOException {
        int read = side.readNBytes(into, 0, bytes);
        Arrays.fill(into, read, bytes, (byte) 0);
    }

    /**
     * One side: 16-bit little-endian PCM in a file, collected in a buffer whose full contents are handed to
     * the {@link RecordingDisk}. Writes land at the later of their position and the side's end (so audio is never
     * overlaid), and silence fills any gap before them.
     */
    private static final class Track {
        /** Half a second of audio: one write to the file per half second of speech. */
        private static final int BUFFER_BYTES = Frames.SAMPLE_RATE;

        private final Path file;
        private final RecordingDisk disk;
        private final ReentrantLock lock = new ReentrantLock();
        private ByteBuffer buffer = newBuffer();
        /** Bytes handed to the disk, less any cut: where the buffer's first byte goes in the file. */
        private long handedOff;
        private boolean truncated;
        /** Opened, written and cut on the disk's thread only (closed by whoever deletes it, once that has ended). */
        private volatile FileChannel channel;

        Track(Path file, RecordingDisk disk) {
            this.file = file;
            this.disk = disk;
            disk.submit(() -> channel = FileChannel.open(file, NEW_FILE));
        }

        void write(long position, byte[] mulaw) {
            lock.lock();
            try {
                if (disk.failed()) {
                    return;
                }
                silence(Math.max(position, samples()) - samples());
                for (int i = 0; i < mulaw.length && !full(); i++) {
                    put(MuLaw.decode(mulaw[i]));
                }
            } finally {
                lock.unlock();
            }
        }

        /** Drops everything at or after {@code position}: from the buffer if it is there, else from the file. */
        void cut(long position) {
            lock.lock();
            try {
                if (disk.failed() || position >= samples()) {
                    return;
                }
                long bytes = position * BYTES_PER_SAMPLE;
                if (bytes >= handedOff) {
                    buffer.position((int) (bytes - handedOff));
                } else {
                    buffer.clear();
                    handedOff = bytes;
                    disk.submit(() -> channel.truncate(bytes));
                }
            } finally {
                lock.unlock();
            }
        }

        long samples() {
            return (handedOff + buffer.position()) / BYTES_PER_SAMPLE;
        }

        /** Hands over what the buffer holds, and the file's closing. */
        void finish() {
            lock.lock();
            try {
                handOff();
                disk.submit(() -> channel.close());
            } finally {
                lock.unlock();
            }
        }

        /** Closes the file if it is open (a write under way then fails, unreported) and deletes it. */
        void delete() {
            lock.lock();
            try {
                FileChannel open = channel;
                if (open != null) {
                    open.close();
                }
                Files.deleteIfExists(file);
            } catch (IOException e) {
                deleteFailed(file, e); // the disk work is already stopped: its failure would go unheard
            } finally {
                lock.unlock();
            }
        }

        /**
         * {@code samples} of silence: into the buffer when they fit, else left as a hole in the file, which
         * reads as zeros, so a long pause costs the disk nothing.
         */
        private void silence(long samples) {
            long room = MAX_SAMPLES - samples();
            if (samples > room) {
                samples = room;
                truncated = true;
            }
            if (samples * BYTES_PER_SAMPLE <= buffer.remaining()) {
                for (long i = 0; i < samples; i++) {
                    buffer.putShort((short) 0);
                }
            } else {
                handOff();
                handedOff += samples * BYTES_PER_SAMPLE;
            }
        }

        private boolean full() {
            if (samples() >= MAX_SAMPLES) {
                truncated = true;
                return true;
            }
            return false;
        }

        private void put(short sample) {
            if (!buffer.hasRemaining()) {
                handOff();
            }
            buffer.putShort(sample);
        }

        /** Gives the buffer's contents to the disk to write at their place in the file, and starts a new buffer. */
        private void handOff() {
            if (buffer.position() == 0) {
                return;
            }
            ByteBuffer full = buffer.flip();
            long at = handedOff;
            handedOff += full.remaining();
            buffer = newBuffer();
            disk.submit(() -> {
                for (long position = at; full.hasRemaining(); ) {
                    position += channel.write(full, position);
                }
            });
        }

        private static ByteBuffer newBuffer() {
            return ByteBuffer.allocate(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    private static void deleteFailed(Path file, IOException e) {
        DELETE_FAILED.log("recording file {0} not deleted ({1}); the next start-up removes it", file, e.toString());
    }
}
