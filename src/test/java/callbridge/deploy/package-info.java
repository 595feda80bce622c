/**
 * Several callbridge instances behind a real HAProxy, as README.md's "Deployment: several instances behind
 * HAProxy" sets them up, and the tests that hold that section to its word.
 *
 * <p>{@link callbridge.deploy.Deployment} starts the lot on loopback: two callbridge processes
 * ({@link callbridge.deploy.Instance}, each on a fixed port so that a restart comes back where HAProxy
 * looks for it) and HAProxy ({@link callbridge.deploy.Haproxy}) running the configuration README.md shows,
 * read from between its marker lines ({@link callbridge.deploy.ReadmeHaproxyConfig}), with TLS on a
 * certificate of the test's own ({@link callbridge.deploy.TestCertificate}). A call goes through the load
 * balancer as a real one would: {@link callbridge.deploy.Caller} plays Twilio and the person on the phone
 * (the voice webhook, then the media stream the TwiML names), {@link callbridge.deploy.Driver} asks
 * {@code /generate} turn by turn, and {@link callbridge.deploy.CallTrace} keeps which instance answered
 * each request ({@code X-Callbridge-Instance}).
 *
 * <p>The HAProxy binary is Debian's package ({@code apt-get install haproxy}); without it these tests fail,
 * saying so.
 */
package callbridge.deploy;
