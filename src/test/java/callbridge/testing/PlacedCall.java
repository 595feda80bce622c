package callbridge.testing;

import java.net.URI;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A call a client created at {@link FakeTwilioRest}: what it asked for, and the status Twilio would report.
 * The {@link FakeTwilioRest.Callee} moves the status on as the far end answers (or does not).
 */
public final class PlacedCall {
    private static final Set<String> FINAL = Set.of("completed", "busy", "failed", "no-answer", "canceled");

    private final String sid;
    private final Map<String, String> form;
    private final CompletableFuture<Void> completedByApi = new CompletableFuture<>();
    private volatile String status = "queued";

    PlacedCall(String sid, Map<String, String> form) {
        this.sid = sid;
        this.form = Map.copyOf(form);
    }

    public String sid() {
        return sid;
    }

    public String to() {
        return form.get("To");
    }

    public String from() {
        return form.get("From");
    }

    /** The voice webhook the client gave ({@code Url}). */
    public URI webhook() {
        return URI.create(form.get("Url"));
    }

    /** The whole form the client sent (To, From, Url, Record...). */
    public Map<String, String> form() {
        return form;
    }

    public String status() {
        return status;
    }

    /** Sets the status Twilio reports: ringing, in-progress, completed, busy, no-answer... */
    public void status(String status) {
        this.status = status;
    }

    public boolean isOver() {
        return FINAL.contains(status);
    }

    /** Completes when a client set the call to {@code completed} through the API. */
    public CompletableFuture<Void> completedByApi() {
        return completedByApi.copy();
    }

    void completeByApi() {
        status = "completed";
        completedByApi.complete(null);
    }

    /**
     * The call as Twilio's API answers it; the dates and price unit are those of Twilio's documented example,
     * so the SDK parses them as it parses Twilio's own answers (through its RFC 2822 and currency readers).
     */
    Map<String, Object> resource() {
        return Map.ofEntries(Map.entry("sid", sid), Map.entry("account_sid", FakeTwilioRest.ACCOUNT_SID),
                Map.entry("to", to()), Map.entry("from", from()), Map.entry("status", status),
                Map.entry("direction", "outbound-api"), Map.entry("api_version", "2010-04-01"),
                Map.entry("date_created", "Tue, 31 Aug 2010 20:36:28 +0000"),
                Map.entry("date_updated", "Tue, 31 Aug 2010 20:36:44 +0000"), Map.entry("price_unit", "USD"),
                Map.entry("uri", "/2010-04-01/Accounts/" + FakeTwilioRest.ACCOUNT_SID + "/Calls/" + sid + ".json"));
    }
}
