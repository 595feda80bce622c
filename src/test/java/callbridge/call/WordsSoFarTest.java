package callbridge.call;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How a pause after these words reads: a table of transcripts, in Spanish and English. */
class WordsSoFarTest {
    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @CsvSource(delimiter = '|', value = {
            // nothing yet, or a sentence left open by its punctuation
            "''                                          | UNFINISHED",
            "'   '                                       | UNFINISHED",
            "Quiero reservar una mesa,                   | UNFINISHED",
            "Tengo dos preguntas:                        | UNFINISHED",
            "Pues no sé...                               | UNFINISHED",
            "Pues no sé…                                 | UNFINISHED",
            "I was thinking -                            | UNFINISHED",
            // questions end a turn, whatever their last word
            "¿Para mañana?                               | FINISHED",
            "¿Y?                                         | FINISHED",
            "Which one?                                  | FINISHED",
            "¿A qué hora abren?\"                        | FINISHED",
            // words that never end a sentence, whatever mark follows them
            "Quiero una mesa y                           | UNFINISHED",
            "Quiero una mesa y.                          | UNFINISHED",
            "Para el                                     | UNFINISHED",
            "Sí, eh                                      | UNFINISHED",
            "I'd like the                                | UNFINISHED",
            "I'd like, um.                               | UNFINISHED",
            "La reserva es para el Dr.                   | UNFINISHED",
            "The reservation is for Mr.                  | UNFINISHED",
            "Vivo en el este.                            | FINISHED",
            "Yes, but                                    | UNFINISHED",
            // a full stop or exclamation mark after any other word
            "Para dos personas.                          | FINISHED",
            "Sí, gracias.                                | FINISHED",
            "¡Perfecto!                                  | FINISHED",
            "I'd love to.                                | FINISHED",
            "Come in.                                    | FINISHED",
            "No quiero más.                              | FINISHED",
            // no final mark: a preposition or subordinator leads on, anything else is unsure
            "Quiero reservar una mesa para               | UNFINISHED",
            "A table for                                 | UNFINISHED",
            "Mañana si                                   | UNFINISHED",
            "I'm calling about                           | UNFINISHED",
            "Quiero reservar una mesa                    | UNSURE",
            "Sí                                          | UNSURE",
            "I want a table                              | UNSURE",
            "Para MAÑANA                                 | UNSURE",
    })
    void judge(String text, WordsSoFar.Verdict expected) {
        assertEquals(expected, WordsSoFar.judge(text));
    }
}
