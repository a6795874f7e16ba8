package io.meridian.kernel.maven;

/** Why a {@code %maven} request could not be turned into jars; the message is meant for the notebook user. */
public final class MavenResolutionException extends Exception {

    public MavenResolutionException(String message) {
        super(message);
    }

    public MavenResolutionException(String message, Throwable cause) {
        super(message, cause);
    }
}
