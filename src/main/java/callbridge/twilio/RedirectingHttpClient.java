package callbridge.twilio;

import com.twilio.http.HttpClient;
import com.twilio.http.NetworkHttpClient;
import com.twilio.http.Request;
import com.twilio.http.Response;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.core5.util.Timeout;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

/**
 * The Twilio SDK's extension point for HTTP ({@link HttpClient}), used to send its requests to
 * {@code TWILIO_API_BASE_URL} (a proxy, or a local stand-in in tests) instead of {@code api.twilio.com}:
 * each request is rebuilt with the same path, parameters and credentials on the configured base URL.
 * The timeouts are shorter than the SDK's (30 s) so a hung API cannot hold a shutdown.
 */
final class RedirectingHttpClient extends HttpClient {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(10);

    private final URI baseUrl;
    private final NetworkHttpClient network;

    RedirectingHttpClient(URI baseUrl) {
        this.baseUrl = baseUrl;
        this.network = new NetworkHttpClient(RequestConfig.custom()
                .setConnectionRequestTimeout(Timeout.of(CONNECT_TIMEOUT))
                .setResponseTimeout(Timeout.of(RESPONSE_TIMEOUT))
                .build());
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
