package callbridge.talk;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/** An absolute http:// or https:// URL with a host and no query, as the base of an API; a trailing slash is dropped. */
final class HttpUrl {
    private HttpUrl() {
    }

    static Optional<URI> parse(String raw) {
        String text = raw.strip().endsWith("/") ? raw.strip().substring(0, raw.strip().length() - 1) : raw.strip();
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null && uri.getRawQuery() == null
                    && uri.getRawFragment() == null) {
                return Optional.of(uri);
            }
        } catch (URISyntaxException e) {
            // not a URL: the caller reports it, naming its setting
        }
        return Optional.empty();
    }
}
