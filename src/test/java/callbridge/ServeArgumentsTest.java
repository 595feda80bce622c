package callbridge;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code serve} takes no arguments; a flag named like a setting is answered with the setting to use. */
class ServeArgumentsTest {

    @ParameterizedTest(name = "serve {0}")
    @CsvSource(delimiter = '|', textBlock = """
            --port 9000              | serve takes no flags; '--port' is the setting PORT: set it in the environment or in .env (for example PORT=9000 ./run.sh)
            --port=9000              | serve takes no flags; '--port' is the setting PORT: set it in the environment or in .env (for example PORT=9000 ./run.sh)
            --public-url https://x.y | serve takes no flags; '--public-url' is the setting PUBLIC_URL: set it in the environment or in .env (for example PUBLIC_URL=https://x.y ./run.sh)
            -port                    | serve takes no flags; '-port' is the setting PORT: set it in the environment or in .env (for example PORT=... ./run.sh)
            --verbose                | serve takes no arguments, got '--verbose'; settings come from the environment and .env (.env.example lists them)
            extra                    | serve takes no arguments, got 'extra'; settings come from the environment and .env (.env.example lists them)
            """)
    void serveArguments_areRefused_withTheSettingToUseWhenThereIsOne(String arguments, String message) {
        assertEquals(message, Main.serveArgumentError(List.of(arguments.split(" "))));
    }
}
