package callbridge.metrics;

import callbridge.testing.PrometheusScrape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tests' reader of the text format is only worth its passes if it fails what the format forbids: each
 * row breaks one published rule ({@code |} stands for a line break) and must be refused.
 */
class PrometheusScrapeTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', quoteCharacter = '`', value = {
            "no final line feed                 ; a_total 1",
            "HELP twice                         ; # HELP a_total x|# HELP a_total y|a_total 1|",
            "TYPE twice                         ; # TYPE a_total counter|# TYPE a_total counter|a_total 1|",
            "TYPE after a sample                ; a_total 1|# TYPE a_total counter|",
            "unknown TYPE                       ; # TYPE a_total countr|a_total 1|",
            "bad escape in HELP                 ; # HELP a_total tab\\tthere|a_total 1|",
            "quote escape in HELP               ; # HELP a_total say \\\"hi\\\"|a_total 1|",
            "bad metric name                    ; a-b 1|",
            "bad label name                     ; a{1k=\"v\"} 1|",
            "unquoted label value               ; a{k=v} 1|",
            "unclosed label value               ; a{k=\"v} 1|",
            "bad escape in a label value        ; a{k=\"\\t\"} 1|",
            "label twice                        ; a{k=\"v\",k=\"w\"} 1|",
            "series twice                       ; a{k=\"v\"} 1|a{k=\"v\"} 2|",
            "value not a float                  ; a 1,5|",
            "Infinity spelled the Java way      ; a Infinity|",
            "timestamp not an integer           ; a 1 1.5|",
            "nothing after the name             ; a|",
            "a family split in two groups       ; a 1|b 1|a{k=\"v\"} 1|",
            "histogram without +Inf             ; # TYPE h histogram|h_bucket{le=\"1\"} 1|h_sum 1|h_count 1|",
            "histogram buckets not ascending    ; # TYPE h histogram|h_bucket{le=\"2\"} 1|h_bucket{le=\"1\"} 1|h_bucket{le=\"+Inf\"} 1|h_sum 1|h_count 1|",
            "histogram counts decreasing        ; # TYPE h histogram|h_bucket{le=\"1\"} 2|h_bucket{le=\"+Inf\"} 1|h_sum 1|h_count 1|",
            "histogram +Inf not its count       ; # TYPE h histogram|h_bucket{le=\"1\"} 1|h_bucket{le=\"+Inf\"} 2|h_sum 1|h_count 3|",
            "histogram without a sum            ; # TYPE h histogram|h_bucket{le=\"+Inf\"} 1|h_count 1|",
            "histogram bucket without le        ; # TYPE h histogram|h_bucket 1|h_bucket{le=\"+Inf\"} 1|h_sum 1|h_count 1|",
            "histogram le not a number          ; # TYPE h histogram|h_bucket{le=\"one\"} 1|h_bucket{le=\"+Inf\"} 1|h_sum 1|h_count 1|",
    })
    void parse_brokenRule_isRefused(String rule, String text) {
        String exposition = text.replace("|", "\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PrometheusScrape.parse(exposition), rule);
        assertTrue(!e.getMessage().isBlank());
    }

    @Test
    void parse_whatTheFormatAllows_isRead() {
        PrometheusScrape scrape = PrometheusScrape.parse("""
                # a comment, then an empty line

                # HELP a_total Help with a \\\\ and a \\n.
                # TYPE a_total counter
                a_total{k="a \\"q\\" \\\\ \\n",j="x",} 1.5e3 1700000000000
                untyped_thing -Inf
                # TYPE h histogram
                h_bucket{le="0.5"} 1
                h_bucket{le="+Inf"} 2
                h_sum 3.5
                h_count 2
                """);
        assertEquals("Help with a \\ and a \n.", scrape.family("a_total").help());
        assertEquals(1500, scrape.family("a_total").samples().getFirst().value());
        assertEquals("a \"q\" \\ \n", scrape.family("a_total").samples().getFirst().labels().get("k"));
        assertEquals("untyped", scrape.family("untyped_thing").type());
        assertEquals(2, scrape.histogram("h").count());
        assertEquals(0.5, scrape.histogram("h").quantile(0.5), 1e-12);
    }
}
