package io.meridian.deepaas.client;

/**
 * What cancelling a training achieved. {@code confirmed} is true when the server answered the
 * DELETE, or when it failed to answer but the training is gone or cancelled afterwards.
 * {@code training} is the last state seen (null when the server no longer lists it);
 * {@code message} explains, in particular the real DEEPaaS 2.6 faults (500 for a running
 * training, a closed connection for a queued one).
 */
public record CancelOutcome(boolean confirmed, Training training, String message) {
}
