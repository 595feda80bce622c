package callbridge.twilio;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The address Twilio uses to reach us, which is not the one the server sees: ngrok or a load balancer
 * terminates TLS and forwards plain HTTP. {@code PUBLIC_URL} says it outright; otherwise it is rebuilt
 * from the request: {@code X-Forwarded-Proto} and {@code X-Forwarded-Host} (set by proxies), else
 * {@code Host} over plain HTTP. Signatures are computed over this public URL, so it must be exact.
 */
public final class PublicAddress {
    private final URI base;

    private PublicAddress(URI base) {
        this.base = base;
    }

    /**
     * @param publicUrl configured {@code PUBLIC_URL}, if any
     * @param header    the request's header values by name
     * @throws IllegalArgumentException when the request's host header cannot be part of a URL
     */
    public static PublicAddress of(Optional<URI> publicUrl, Function<String, Optional<String>> header) {
        if (publicUrl.isPresent()) {
            return new PublicAddress(publicUrl.get());
        }
        String proto = header.apply("X-Forwarded-Proto").map(PublicAddress::firstOfList)
                .map(p -> p.toLowerCase(Locale.ROOT)).filter(p -> p.equals("https") || p.equals("http")).orElse("http");
        // An empty X-Forwarded-Host (or Host) is skipped: it would make "http://", which is no URL.
        String host = header.apply("X-Forwarded-Host").map(PublicAddress::firstOfList).filter(h -> !h.isEmpty())
                .or(() -> header.apply("Host").map(String::strip).filter(h -> !h.isEmpty())).orElse("localhost");
        try {
            return new PublicAddress(new URI(proto + "://" + host));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("unusable host in request headers: '" + host + "'", e);
        }
    }

    /** The public URL of a request target such as {@code /twilio-voice?x=1}. */
    public String http(String rawPathAndQuery) {
        String basePath = base.getRawPath() == null ? "" : base.getRawPath();
        return base.getScheme() + "://" + base.getRawAuthority() + basePath + rawPathAndQuery;
    }

    /**
     * The {@code wss://} (or {@code ws://} behind plain HTTP) URL of a WebSocket target such as a media
     * stream's path: the URL put in TwiML, and the one Twilio signs when it opens the stream.
     */
    public String webSocket(String rawPathAndQuery) {
        String scheme = base.getScheme().equalsIgnoreCase("https") ? "wss" : "ws";
        String basePath = base.getRawPath() == null ? "" : base.getRawPath();
        return scheme + "://" + base.getRawAuthority() + basePath + rawPathAndQuery;
    }

    private static String firstOfList(String value) {
        int comma = value.indexOf(',');
        return (comma < 0 ? value : value.substring(0, comma)).strip();
    }
}
