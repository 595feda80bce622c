package callbridge.config;

/**
 * How many single-character edits turn one string into another, counting an insertion, a deletion, a
 * substitution and a swap of two neighbours as one edit each: the optimal string alignment form of the
 * Damerau-Levenshtein distance. Swaps count once because they are the commonest typo ({@code API_KYE}).
 */
final class EditDistance {
    private EditDistance() {
    }

    static int between(String a, String b) {
        // d[i][j]: edits between the first i characters of a and the first j of b.
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int substitution = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + substitution);
                boolean swapped = i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1);
                if (swapped) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
