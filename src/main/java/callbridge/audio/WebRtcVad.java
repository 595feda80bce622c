package callbridge.audio;

import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * WebRTC's voice activity detector (libfvad, shipped inside libfvad-jni's jar), one instance per call: it
 * keeps state across frames (noise estimates). Frames must be 10, 20 or 30 ms; callbridge always uses 20 ms.
 *
 * <p>Two ways to reach the same native code, chosen once. On JDK 22 and later, {@link ForeignWebRtcVad}
 * calls libfvad's C functions directly with the Foreign Function API: no copy of the frame, no memory left
 * behind, and no lock shared by all calls. That class is compiled for Java 22 (from {@code src/main/java22},
 * by a build profile that runs on JDK 22+), so this Java 21 code names it only as a string. On JDK 21, or
 * in a build made with JDK 21, {@link JniWebRtcVad} uses the binding's JNI methods, which leak about 330
 * bytes a frame: a warning says so once.
 */
public final class WebRtcVad {
    private static final System.Logger LOG = System.getLogger(WebRtcVad.class.getName());
    private static final String FOREIGN = "callbridge.audio.ForeignWebRtcVad";
    /** {@code ForeignWebRtcVad.create(int)}, or null when only the JNI binding can run here. */
    private static final MethodHandle FOREIGN_CREATE = foreignFactory();

    private WebRtcVad() {
    }

    /** @param mode 0 (least aggressive about calling audio silence) to 3 (most) */
    public static VoiceActivityDetector create(int mode) {
        if (mode < 0 || mode > 3) {
            throw new IllegalArgumentException("VAD mode is 0-3, got " + mode);
        }
        if (FOREIGN_CREATE == null) {
            return JniWebRtcVad.create(mode);
        }
        try {
            return (VoiceActivityDetector) FOREIGN_CREATE.invokeExact(mode);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot create the WebRTC VAD", e);
        }
    }

    private static MethodHandle foreignFactory() {
        if (Runtime.version().feature() >= 22) {
            try {
                return MethodHandles.lookup().findStatic(Class.forName(FOREIGN), "create",
                        MethodType.methodType(VoiceActivityDetector.class, int.class));
            } catch (ReflectiveOperationException | LinkageError e) {
                LOG.log(Level.WARNING, "this build has no Foreign Function VAD (built with JDK 21?): " + e);
            }
        }
        LOG.log(Level.WARNING, "Java {0}: the WebRTC VAD runs through libfvad-jni''s JNI binding, which leaks about "
                + "330 bytes of native memory per 20 ms of audio (60 MB per call-hour); run callbridge on Java 22 or newer",
                Runtime.version().feature());
        return null;
    }
}
