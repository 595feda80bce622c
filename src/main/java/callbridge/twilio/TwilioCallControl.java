package callbridge.twilio;

import callbridge.call.CallControl;
import callbridge.call.CallControlException;
import callbridge.config.Config;
import com.twilio.exception.ApiConnectionException;
import com.twilio.exception.ApiException;
import com.twilio.exception.TwilioException;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.Call;
import com.twilio.type.PhoneNumber;

import java.io.IOException;
import java.net.URI;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Call control through the Twilio SDK, with a client built from config (no global {@code Twilio.init}),
 * so several configurations can live in one process and tests can point it at a stand-in. The server
 * completes calls through it ({@link CallControl}); {@code talk} places, follows and hangs up its own
 * ({@link OutboundCalls}), seeing a failure as the {@link IOException} it sees of every other service.
 */
public final class TwilioCallControl implements CallControl, OutboundCalls {
    /** Twilio's error code for "The requested resource was not found": the call is already gone. */
    private static final int NOT_FOUND_CODE = 20404;

    private final TwilioRestClient client;
    private final String accountSid;

    private TwilioCallControl(TwilioRestClient client, String accountSid) {
        this.client = client;
        this.accountSid = accountSid;
    }

    /** Empty when the account SID or auth token is missing: calls then cannot be controlled. */
    public static Optional<TwilioCallControl> from(Config.Twilio twilio) {
        if (twilio.accountSid().isEmpty() || twilio.authToken().isEmpty()) {
            return Optional.empty();
        }
        String accountSid = twilio.accountSid().get();
        TwilioRestClient client = new TwilioRestClient.Builder(accountSid, twilio.authToken().get().value())
                .httpClient(new RedirectingHttpClient(twilio.apiBaseUrl()))
                .build();
        return Optional.of(new TwilioCallControl(client, accountSid));
    }

    @Override
    public void complete(String callSid) throws CallControlException {
        try {
            call("complete " + callSid, () -> Call.updater(accountSid, callSid).setStatus(Call.UpdateStatus.COMPLETED).update(client));
        } catch (CallControlException e) {
            if (e.getCause() instanceof ApiException api && isAlreadyGone(api)) {
                return;
            }
            throw e;
        }
    }

    @Override
    public String place(String to, String from, URI webhook, boolean record) throws IOException {
        return outbound("place a call to " + to, () -> Call.creator(accountSid, new PhoneNumber(to), new PhoneNumber(from), webhook)
                .setRecord(record)
                .create(client)).getSid();
    }

    @Override
    public CallStatus status(String callSid) throws IOException {
        Call call = outbound("fetch " + callSid, () -> Call.fetcher(accountSid, callSid).fetch(client));
        if (call.getStatus() == null) {
            throw new IOException("Twilio's answer for " + callSid + " has no known status");
        }
        return CallStatus.fromWire(call.getStatus().toString());
    }

    @Override
    public void hangUp(String callSid) throws IOException {
        try {
            complete(callSid);
        } catch (CallControlException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** {@link #call}, for {@link OutboundCalls}: its failure as the {@link IOException} that interface speaks. */
    private static <T> T outbound(String what, Supplier<T> request) throws IOException {
        try {
            return call(what, request);
        } catch (CallControlException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** Runs one SDK request, turning its exceptions into a {@link CallControlException} that says what to do. */
    private static <T> T call(String what, Supplier<T> request) throws CallControlException {
        try {
            return request.get();
        } catch (ApiException e) {
            Integer status = e.getStatusCode();
            if (status == null) {
                // The SDK's NetworkHttpClient reports I/O failures (refused, timed out) as an ApiException
                // without a status, not as ApiConnectionException: Twilio never answered, so it refused nothing.
                throw new CallControlException("cannot reach Twilio to " + what + ": " + e.getMessage(), true, e);
            }
            boolean retryable = status >= 500 || status == 429;
            throw new CallControlException("Twilio refused to " + what + ": HTTP " + status
                    + (e.getCode() == null ? "" : " code " + e.getCode()) + ": " + e.getMessage(), retryable, e);
        } catch (ApiConnectionException e) {
            throw new CallControlException("cannot reach Twilio to " + what + ": " + e.getMessage(), true, e);
        } catch (TwilioException e) {
            throw new CallControlException("could not " + what + ": " + e.getMessage(), true, e);
        }
    }

    private static boolean isAlreadyGone(ApiException e) {
        Integer status = e.getStatusCode();
        Integer code = e.getCode();
        return (code != null && code == NOT_FOUND_CODE) || (status != null && status == 404);
    }
}
