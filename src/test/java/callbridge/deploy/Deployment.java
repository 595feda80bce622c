package callbridge.deploy;

import callbridge.testing.ClipRecognizer;
import callbridge.testing.FakeElevenLabs;
import callbridge.testing.FakeTwilioRest;
import callbridge.testing.ServerProcess;
import callbridge.testing.TestCallbridge;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * README.md's deployment on loopback: two callbridge instances, {@value #CB1} and {@value #CB2}, behind
 * HAProxy running the README's configuration, set up as the README says (one {@code STREAM_SECRET},
 * {@code PUBLIC_URL} the load balancer's URL, each instance its own {@code RECORDS_DIR} and its HAProxy
 * server name as {@code INSTANCE_ID}), with Twilio's REST API and ElevenLabs stood in for. The values the
 * README's configuration takes from the environment ({@code "${NAME-default}"}) point it at the test's
 * ports and certificate. Closing it kills whatever is still running.
 */
final class Deployment implements AutoCloseable {
    static final String CB1 = "cb1";
    static final String CB2 = "cb2";
    static final String API_KEY = "deploy-test-key";
    /** The header every answer of the public port carries, naming the instance that gave it. */
    static final String INSTANCE_HEADER = "X-Callbridge-Instance";
    /** Shared by every instance, so that any of them accepts a stream URL another handed out. */
    private static final String STREAM_SECRET = "deploy-test-stream-secret-0123456789abcdef";
    /**
     * The silence that ends a turn: short, so that a turn takes about 2.5 s (a clip of 1.7-2.4 s, this,
     * speech-to-text on loopback) and the tests stay short; long enough not to split the clips at their commas.
     */
    private static final String SILENCE_MS = "500";

    private final FakeTwilioRest twilio;
    private final FakeElevenLabs elevenLabs;
    private final HttpClient http;
    private final URI publicUrl;
    private final Map<String, Instance> instances;
    private final Haproxy haproxy;

    private Deployment(FakeTwilioRest twilio, FakeElevenLabs elevenLabs, HttpClient http, URI publicUrl,
                       Map<String, Instance> instances, Haproxy haproxy) {
        this.twilio = twilio;
        this.elevenLabs = elevenLabs;
        this.http = http;
        this.publicUrl = publicUrl;
        this.instances = instances;
        this.haproxy = haproxy;
    }

    /**
     * Starts both instances, then HAProxy, in {@code directory}; {@code settings} are added to every
     * instance's (such as {@code DRAIN_TIMEOUT}). Returns once HAProxy sees both instances up.
     */
    static Deployment start(Path directory, Map<String, String> settings) throws Exception {
        List<AutoCloseable> started = new ArrayList<>();
        try {
            FakeTwilioRest twilio = FakeTwilioRest.start();
            started.add(twilio);
            FakeElevenLabs elevenLabs = FakeElevenLabs.start(ClipRecognizer::recognize, TestCallbridge::voiceFor);
            started.add(elevenLabs);
            TestCertificate certificate = TestCertificate.create(Files.createDirectories(directory.resolve("tls")));
            HttpClient http = HttpClient.newBuilder()
                    .sslContext(certificate.clientContext())
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10))
                    .executor(Executors.newVirtualThreadPerTaskExecutor())
                    .build();
            started.add(http);

            int lbPort = freePort();
            URI publicUrl = URI.create("https://127.0.0.1:" + lbPort);
            Map<String, String> shared = new HashMap<>(ServerProcess.environmentFor(twilio, elevenLabs, API_KEY));
            shared.put("PUBLIC_URL", publicUrl.toString());
            shared.put("STREAM_SECRET", STREAM_SECRET);
            shared.put("TWILIO_VALIDATE_SIGNATURES", "true"); // as Twilio signs them, over PUBLIC_URL
            shared.put("SILENCE_MS", SILENCE_MS);
            shared.putAll(settings);
            Map<String, Instance> instances = new LinkedHashMap<>();
            for (String id : List.of(CB1, CB2)) {
                Instance instance = Instance.of(id, freePort(), Files.createDirectories(directory.resolve(id)), shared);
                started.add(instance);
                instances.put(id, instance);
                instance.launch();
            }
            for (Instance instance : instances.values()) {
                instance.awaitListening();
            }

            Map<String, String> lb = Map.of(
                    "LB_BIND", "127.0.0.1:" + lbPort,
                    "LB_CERT", certificate.pem().toString(),
                    "CB1_ADDR", "127.0.0.1:" + instances.get(CB1).port(),
                    "CB2_ADDR", "127.0.0.1:" + instances.get(CB2).port());
            Haproxy haproxy = Haproxy.start(Files.createDirectories(directory.resolve("haproxy")), ReadmeHaproxyConfig.read(), lb);
            started.add(haproxy);
            Deployment deployment = new Deployment(twilio, elevenLabs, http, publicUrl, instances, haproxy);
            for (String id : instances.keySet()) {
                haproxy.awaitState(id, Haproxy.ServerState.UP, Duration.ofSeconds(10));
            }
            return deployment;
        } catch (Exception | AssertionError e) {
            for (AutoCloseable closeable : started.reversed()) {
                closeable.close();
            }
            throw e;
        }
    }

    /** The load balancer's URL, which is every instance's PUBLIC_URL. */
    URI publicUrl() {
        return publicUrl;
    }

    /** A client that trusts the load balancer's certificate; HTTP/1.1, as Twilio's requests are. */
    HttpClient http() {
        return http;
    }

    Instance instance(String id) {
        Instance instance = instances.get(id);
        if (instance == null) {
            throw new IllegalArgumentException("no instance " + id + "; there are " + instances.keySet());
        }
        return instance;
    }

    List<Instance> instances() {
        return List.copyOf(instances.values());
    }

    Haproxy haproxy() {
        return haproxy;
    }

    FakeTwilioRest twilio() {
        return twilio;
    }

    /** Every process's log, for a failure message. */
    String logs() {
        StringBuilder logs = new StringBuilder(haproxy.log());
        instances.values().forEach(instance -> logs.append(instance.log()));
        return logs.toString();
    }

    @Override
    public void close() {
        haproxy.close();
        instances.values().forEach(Instance::close);
        http.shutdownNow(); // requests still waiting (a lost call's driver) end now
        elevenLabs.close();
        twilio.close();
    }

    /**
     * A port nobody listens on now, for a process that is told its port: an instance must come back on the
     * same port after a restart, which port 0 would not give it.
     */
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
