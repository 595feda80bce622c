package callbridge.twilio;

import com.twilio.http.HttpClient;
import com.twilio.http.NetworkHttpClient;
import com.twilio.http.Request;
import com.twilio.http.Response;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.util.Timeout;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

/**
 * The Twilio SDK's extension point for HTTP ({@link HttpClient}), used to send its requests to
 * {@code TWILIO_API_BASE_URL} (a proxy, or a local stand-in in tests) instead of {@code api.twilio.com}:
 * each request is rebuilt with the same path, parameters and credentials on the configured base URL.
 *
 * <p>Each request is sent once. The SDK's {@code reliableRequest} would try every 5xx three times (100 ms
 * apart), and Apache HttpClient's default retry strategy repeats a 429/503 after 1 s, even for a POST:
 * stacked under {@code CallCompletion}'s own 3 attempts with back-off, one failing completion would make up
 * to 18 requests, and placing a call could place it twice. Retrying is the caller's decision, made in one place.
 *
 * <p>The wait for an answer is shorter than the SDK's (30 s), so a hung API frees the completion thread
 * sooner. It is set on the connections: the SDK puts its own {@code RequestConfig} on every request
 * ({@code NetworkHttpClient.makeRequest}), so a client-wide {@code RequestConfig} has no effect. That
 * per-request config also fixes the connect timeout (the SDK's 30.5 s) and the wait for a pooled
 * connection (10 s); changing those would mean replacing {@code makeRequest}.
 */
final class RedirectingHttpClient extends HttpClient {
    static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(10);
    /** Completions at shutdown run in parallel, one connection each (the SDK's default is 20 per host). */
    private static final int MAX_CONNECTIONS = 100;

    private final URI baseUrl;
    private final NetworkHttpClient network;

    RedirectingHttpClient(URI baseUrl) {
        this.baseUrl = baseUrl;
        Timeout responseTimeout = Timeout.of(RESPONSE_TIMEOUT);
        this.network = new NetworkHttpClient(HttpClientBuilder.create()
                .disableAutomaticRetries()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDefaultSocketConfig(SocketConfig.custom().setSoTimeout(responseTimeout).setSoKeepAlive(true).build())
                        .setDefaultConnectionConfig(ConnectionConfig.custom().setSocketTimeout(responseTimeout).build())
                        .setMaxConnPerRoute(MAX_CONNECTIONS)
                        .setMaxConnTotal(MAX_CONNECTIONS)
                        .build()));
    }

    /** One try: see the class comment. */
    @Override
    public Response reliableRequest(Request request) {
        return reliableRequest(request, RETRY_CODES, 1, 0);
    }

    @Override
    public Response makeRequest(Request request) {
        return network.makeRequest(redirect(request));
    }

    private Request redirect(Request original) {
        URI target;
        try {
            URI sdkUrl = new URI(original.getUrl());
            target = new URI(baseUrl.getScheme(), baseUrl.getRawAuthority(), baseUrl.getPath() + sdkUrl.getPath(), null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("cannot redirect " + original.getUrl(), e);
        }
        Request copy = new Request(original.getMethod(), target.toString());
        original.getQueryParams().forEach((name, values) -> values.forEach(value -> copy.addQueryParam(name, value)));
        original.getPostParams().forEach((name, values) -> values.forEach(value -> copy.addPostParam(name, value)));
        original.getHeaderParams().forEach((name, values) -> values.forEach(value -> copy.addHeaderParam(name, value)));
        if (original.getAuthStrategy() != null) {
            copy.setAuth(original.getAuthStrategy());
        } else if (original.requiresAuthentication()) {
            copy.setAuth(original.getUsername(), original.getPassword());
        }
        copy.setContentType(original.getContentType());
        if (original.getBody() != null) {
            copy.setBody(original.getBody());
        }
        copy.setUserAgentExtensions(original.getUserAgentExtensions());
        return copy;
    }
}
