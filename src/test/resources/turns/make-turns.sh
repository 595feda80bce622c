#!/usr/bin/env bash
# Regenerates the turn-taking benchmark's utterances from utterances.txt: one <id>.ulaw each (8 kHz mono
# mu-law, no header) and timing.tsv (where each segment's words are in it). Needs espeak-ng and sox
# (apt-get install espeak-ng sox); the benchmark itself only reads the committed files. See README.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

readonly WORDS_PER_MINUTE=150 # as src/test/resources/speech: the default 175 sounds hurried on a phone line
readonly BYTES_PER_MS=8       # 8 kHz, one mu-law byte a sample
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# segment VOICE "TEXT" OUT: the text spoken alone, trimmed of leading and trailing silence, as raw mu-law.
segment() {
  espeak-ng -v "$1" -s "$WORDS_PER_MINUTE" -w "$work/segment.wav" "$2"
  # -D: no dither, so the same versions give the same bytes; trim both ends (20 ms above 1% of full scale),
  # then resample last, as src/test/resources/speech does.
  sox -D "$work/segment.wav" -t raw -e mu-law -b 8 -c 1 -r 8000 "$3" \
      silence 1 0.02 1% reverse silence 1 0.02 1% reverse rate 8000
}

# silence MS OUT: mu-law silence (0xFF, the code Twilio sends for a zero sample) of exactly MS ms.
silence() {
  head -c "$(( $1 * BYTES_PER_MS ))" /dev/zero | tr '\0' '\377' > "$2"
}

printf 'id\tvoice\tsegment\tstart_byte\tend_byte\ttext\n' > timing.tsv
grep -v -e '^#' -e '^[[:space:]]*$' utterances.txt | while IFS='|' read -r id voice text; do
  : > "$work/$id.ulaw"
  number=0
  rest="$text"
  while [ -n "$rest" ]; do
    # The text up to the next break (or the end), and the break's length in ms (0 at the end).
    if [[ "$rest" =~ ^(.*[^[:space:]])[[:space:]]*\<break\ time=\"([0-9]+)ms\"/\>[[:space:]]*(.*)$ ]]; then
      words="${BASH_REMATCH[1]}"; pause="${BASH_REMATCH[2]}"; rest="${BASH_REMATCH[3]}"
    else
      words="$rest"; pause=0; rest=""
    fi
    number=$((number + 1))
    segment "$voice" "$words" "$work/segment.ulaw"
    start=$(stat -c %s "$work/$id.ulaw")
    cat "$work/segment.ulaw" >> "$work/$id.ulaw"
    end=$(stat -c %s "$work/$id.ulaw")
    printf '%s\t%s\t%d\t%d\t%d\t%s\n' "$id" "$voice" "$number" "$start" "$end" "$words" >> timing.tsv
    if [ "$pause" -gt 0 ]; then
      silence "$pause" "$work/pause.ulaw"
      cat "$work/pause.ulaw" >> "$work/$id.ulaw"
    fi
  done
  mv "$work/$id.ulaw" "$id.ulaw"
done
echo "wrote $(grep -c . timing.tsv) lines of timing.tsv and the .ulaw files in $(pwd)" >&2
