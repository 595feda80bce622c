package callbridge.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The flags of talk and emulate, as written: both forms, switches, and the message for each mistake. */
class FlagsTest {
    private static final Set<String> WITH_VALUE = Set.of("--to", "--calls");
    private static final Set<String> SWITCHES = Set.of("--record");

    @Test
    void read_bothForms_switches_andTheLastOfARepeatedFlag() throws Exception {
        assertEquals(Map.of("--to", "+34910000000", "--calls", "3", "--record", "true"),
                Flags.read(List.of("--to", "+34910000000", "--calls=2", "--record", "--calls", "3"), WITH_VALUE, SWITCHES));
        assertEquals(Map.of("--record", "false", "--to", "a=b"),
                Flags.read(List.of("--record=false", "--to=a=b"), WITH_VALUE, SWITCHES));
        assertEquals(Map.of(), Flags.read(List.of(), WITH_VALUE, SWITCHES));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            --bogus 1      | unknown flag '--bogus'
            --bogus=1      | unknown flag '--bogus'
            -h             | unknown flag '-h'
            stray          | unexpected argument 'stray'
            --to           | --to needs a value
            --record --to  | --to needs a value
            """)
    void read_mistakes_nameTheFlag(String args, String message) {
        UsageException e = assertThrows(UsageException.class, () -> Flags.read(List.of(args.split(" ")), WITH_VALUE, SWITCHES));
        assertEquals(message, e.getMessage());
    }
}
