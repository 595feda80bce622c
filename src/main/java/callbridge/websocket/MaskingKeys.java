package callbridge.websocket;

import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;

/**
 * One connection's masking keys (RFC 6455 5.3: a fresh key per frame, "derived from a strong source of
 * entropy" so that no one choosing the payload can predict it). The keys are the keystream of AES in
 * counter mode under a key and starting counter drawn from {@link SecureRandom}, the construction at the core
 * of NIST SP 800-90A's CTR_DRBG, so they stay unpredictable; drawn {@value #KEYS_PER_REFILL} at a time into a
 * reused array, so a frame costs no allocation. ({@code SecureRandom.nextInt()} would allocate about 56 bytes
 * per key, and the generator sends 50,000 frames a second at 1,000 calls.) Not thread-safe: its connection
 * draws keys under its send lock.
 */
final class MaskingKeys {
    private static final int KEYS_PER_REFILL = 64;
    private static final int AES_BYTES = 16;
    /** Counter mode encrypts zeros into the bare keystream; read-only, so every instance shares it. */
    private static final byte[] ZEROS = new byte[KEYS_PER_REFILL * Integer.BYTES];

    private final Cipher keystream;
    private final byte[] keys = new byte[ZEROS.length];
    private int next = keys.length;

    private MaskingKeys(Cipher keystream) {
        this.keystream = keystream;
    }

    static MaskingKeys seededBy(SecureRandom random) {
        byte[] key = new byte[AES_BYTES];
        byte[] counter = new byte[AES_BYTES];
        random.nextBytes(key);
        random.nextBytes(counter);
        try {
            Cipher cipher = Cipher.getInstance("AES/CTR/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(counter));
            return new MaskingKeys(cipher);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/CTR/NoPadding is missing from this JDK", e);
        }
    }

    /** The next key, as {@link Masking#apply(byte[], int, int, int)} takes it. */
    int next() {
        if (next == keys.length) {
            refill();
        }
        int key = Masking.keyOf(keys, next);
        next += Integer.BYTES;
        return key;
    }

    private void refill() {
        try {
            keystream.update(ZEROS, 0, ZEROS.length, keys, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException("the key array holds exactly one refill", e);
        }
        next = 0;
    }
}
