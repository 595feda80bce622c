/**
 * Call audio: G.711 mu-law and WAV, 20 ms {@link callbridge.audio.Frames}, the WebRTC voice activity
 * detector, and turn detection. Payload in: {@link callbridge.audio.FrameSplitter} cuts 20 ms frames,
 * the VAD judges each, {@link callbridge.audio.TurnDetector} decides where a turn starts and ends; speech
 * out leaves in whole frames cut by the same splitter. Depends on the JDK and the VAD's JNI library only.
 */
package callbridge.audio;
