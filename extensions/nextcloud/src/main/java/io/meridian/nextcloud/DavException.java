package io.meridian.nextcloud;

import java.io.IOException;

/**
 * A WebDAV request that the server refused or that could not complete. The message is meant for
 * a person: it names the operation, the path and what to do about it; it never contains credentials.
 */
public final class DavException extends IOException {
    private final int status;

    public DavException(int status, String message) {
        super(message);
        this.status = status;
    }

    public DavException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
    }

    /** The HTTP status the server answered, or 0 when no answer came (connection refused, cut, timed out). */
    public int status() {
        return status;
    }

    public boolean notFound() {
        return status == 404;
    }
}
