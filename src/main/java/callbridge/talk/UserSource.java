package callbridge.talk;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Where the user's lines come from, as the flags chose it. */
sealed interface UserSource {
    /** {@code --script FILE}: the lines of a plain text file, in order. */
    record Script(Path file) implements UserSource {
    }

    /** {@code --persona FILE}: an LLM plays the user described in the file. */
    record Persona(Path file) implements UserSource {
    }

    /**
     * Galtea's conversation simulator, for product version {@code versionId}: every test case of
     * {@code testId} (or those at {@code positions} in its list), or the one test case {@code testCaseId}.
     */
    record Galtea(String versionId, Optional<String> testId, List<Integer> positions, Optional<String> testCaseId)
            implements UserSource {
        public Galtea {
            if (testId.isPresent() == testCaseId.isPresent()) {
                throw new IllegalArgumentException("exactly one of testId and testCaseId");
            }
            positions = List.copyOf(positions);
        }
    }
}
