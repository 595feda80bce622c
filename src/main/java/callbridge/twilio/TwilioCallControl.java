package callbridge.twilio;

import callbridge.config.Config;
import com.twilio.exception.ApiConnectionException;
import com.twilio.exception.ApiException;
import com.twilio.exception.TwilioException;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.Call;

import java.util.Optional;

/**
 * Call control through the Twilio SDK, with a client built from config (no global {@code Twilio.init}),
 * so several configurations can live in one process and tests can point it at a stand-in.
 */
public final class TwilioCallControl implements CallControl {
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
            Call.updater(accountSid, callSid).setStatus(Call.UpdateStatus.COMPLETED).update(client);
        } catch (ApiException e) {
            if (isAlreadyGone(e)) {
                return;
            }
            Integer status = e.getStatusCode();
            if (status == null) {
                // The SDK's NetworkHttpClient reports I/O failures (refused, timed out) as an ApiException
                // without a status, not as ApiConnectionException: Twilio never answered, so it refused nothing.
                throw new CallControlException("cannot reach Twilio to complete " + callSid + ": " + e.getMessage(), true, e);
            }
            boolean retryable = status >= 500 || status == 429;
            throw new CallControlException("Twilio refused to complete " + callSid + ": HTTP " + status
                    + (e.getCode() == null ? "" : " code " + e.getCode()) + ": " + e.getMessage(), retryable, e);
        } catch (ApiConnectionException e) {
            throw new CallControlException("cannot reach Twilio to complete " + callSid + ": " + e.getMessage(), true, e);
        } catch (TwilioException e) {
            throw new CallControlException("completing " + callSid + " failed: " + e.getMessage(), true, e);
        }
    }

    private static boolean isAlreadyGone(ApiException e) {
        Integer status = e.getStatusCode();
        Integer code = e.getCode();
        return (code != null && code == NOT_FOUND_CODE) || (status != null && status == 404);
    }
}
