package callbridge.audio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.locks.ReentrantLock;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * WebRTC's VAD through the Foreign Function API (final in Java 22, JEP 454): libfvad's own C functions,
 * which libfvad-jni's native library exports beside its JNI ones ({@code fvad.h}: {@code fvad_new},
 * {@code fvad_set_mode}, {@code fvad_set_sample_rate}, {@code fvad_process}, {@code fvad_free}).
 *
 * <p>This skips the binding's JNI layer and its two faults: a frame copied to the C heap and never freed
 * (about 330 bytes a frame), and one global, unsynchronized registry of detectors that forces every call
 * through one lock. Here each detector is its own {@code Fvad*}; libfvad keeps no shared state, so calls
 * judge their frames in parallel. {@code fvad_process} reads the Java array in place ({@code critical}
 * with heap access: a short call that neither blocks nor calls back), so a frame costs no copy.
 *
 * <p>Compiled for Java 22 from {@code src/main/java22}; {@link WebRtcVad} picks it when it can run.
 */
final class ForeignWebRtcVad implements VoiceActivityDetector {
    private static final Native NATIVE = Native.bind();

    /** The five C functions, bound once. */
    private record Native(MethodHandle create, MethodHandle setMode, MethodHandle setSampleRate, MethodHandle process,
                          MethodHandle free) {
        static Native bind() {
            try {
                // Extracts the library from the jar and loads it into this class loader, where loaderLookup finds it.
                io.github.givimad.libfvadjni.VoiceActivityDetector.loadLibrary();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load the WebRTC VAD native library", e);
            }
            SymbolLookup library = SymbolLookup.loaderLookup();
            Linker linker = Linker.nativeLinker();
            return new Native(
                    linker.downcallHandle(symbol(library, "fvad_new"), FunctionDescriptor.of(ADDRESS)),
                    linker.downcallHandle(symbol(library, "fvad_set_mode"), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT)),
                    linker.downcallHandle(symbol(library, "fvad_set_sample_rate"), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT)),
                    linker.downcallHandle(symbol(library, "fvad_process"), FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG),
                            Linker.Option.critical(true)),
                    linker.downcallHandle(symbol(library, "fvad_free"), FunctionDescriptor.ofVoid(ADDRESS)));
        }
    }

    private static MemorySegment symbol(SymbolLookup library, String name) {
        return library.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libfvad-jni's library has no " + name));
    }

    /** Only guards {@link #fvad} against use after {@link #close}: uncontended, as one call's frames come in order. */
    private final ReentrantLock lock = new ReentrantLock();
    private MemorySegment fvad;

    private ForeignWebRtcVad(MemorySegment fvad) {
        this.fvad = fvad;
    }

    /** Called by {@link WebRtcVad} through a method handle; {@code mode} is already checked. */
    static VoiceActivityDetector create(int mode) throws Throwable {
        MemorySegment fvad = (MemorySegment) NATIVE.create().invokeExact();
        if (fvad.equals(MemorySegment.NULL)) {
            throw new OutOfMemoryError("fvad_new failed");
        }
        // fvad.h: modes 0-3 as callbridge numbers them; 0 on success, -1 for a mode or rate it does not know.
        if ((int) NATIVE.setMode().invokeExact(fvad, mode) != 0
                || (int) NATIVE.setSampleRate().invokeExact(fvad, Frames.SAMPLE_RATE) != 0) {
            NATIVE.free().invokeExact(fvad);
            throw new IllegalStateException("libfvad refused mode " + mode + " or " + Frames.SAMPLE_RATE + " Hz");
        }
        return new ForeignWebRtcVad(fvad);
    }

    @Override
    public boolean isSpeech(short[] frame) {
        lock.lock();
        try {
            if (fvad == null) {
                throw new IllegalStateException("the VAD is closed");
            }
            // fvad.h: 1 speech, 0 not, -1 for a frame that is not 10, 20 or 30 ms long.
            int result = (int) NATIVE.process().invokeExact(fvad, MemorySegment.ofArray(frame), (long) frame.length);
            if (result < 0) {
                throw new IllegalArgumentException("a VAD frame is 10, 20 or 30 ms: got " + frame.length + " samples");
            }
            return result == 1;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("fvad_process failed", e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (fvad != null) {
                NATIVE.free().invokeExact(fvad);
                fvad = null;
            }
        } catch (Throwable e) {
            throw new IllegalStateException("fvad_free failed", e);
        } finally {
            lock.unlock();
        }
    }
}
