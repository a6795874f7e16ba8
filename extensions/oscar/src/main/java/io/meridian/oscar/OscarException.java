package io.meridian.oscar;

/**
 * A failed OSCAR call: {@code status} is the HTTP status, or {@link #NO_ANSWER} when OSCAR could
 * not be reached or did not answer in time. The message includes OSCAR's own (plain-text) reason.
 */
public final class OscarException extends RuntimeException {
    public static final int NO_ANSWER = -1;

    private final int status;

    public OscarException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
