package io.meridian.platform;

/**
 * A platform call that failed. The message is the hub's own message (or says why the hub could not be
 * reached); there is no stack trace, so a notebook shows one clear line instead of a wall of frames.
 */
public final class PlatformException extends RuntimeException {
    private final int status;

    public PlatformException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    /** The hub's HTTP status, or 0 when the hub did not answer. */
    public int status() {
        return status;
    }
}
