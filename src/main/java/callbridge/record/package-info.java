/**
 * What is kept of each call: its record and its stereo recording, written when it ends. The records watch
 * the calls and take no part in them: {@link callbridge.record.CallRecords} is the
 * {@link callbridge.call.CallObserver} the composition root sets the calls up with, and each call reports to a
 * {@code CallJournal} of its own (its {@link callbridge.call.CallListener}), which notes the turns of both
 * sides and feeds the call's {@code CallRecording} (made on the recording's own thread by a
 * {@code RecordingDisk}). Once a call has reported everything, its {@link callbridge.record.CallRecord} is
 * written by the {@code RecordWriter} into the {@code RecordFiles} directory as JSON
 * ({@link callbridge.record.CallRecordJson}: the file, and what {@code GET /calls/{sid}} serves), beside its
 * WAV. The records also tell the call domain how a call that is no longer here ended
 * ({@link callbridge.call.RecordedEnds}).
 *
 * <p>Depends on {@code call} only through that observer, listener and port and the values they carry
 * ({@code CallStart}, {@code CallEnd}, {@code Utterance}, {@code PlaybackReport.Outcome}; and {@code CallSids},
 * the form of the CallSids that name its files), and on {@code audio}, {@code json}, {@code logging} and
 * {@code time}. Nothing in {@code call} knows this package; {@code server} serves its JSON.
 */
package callbridge.record;
