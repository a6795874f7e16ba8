package io.meridian.hub.auth.oidc;

/** Talking to Keycloak failed (unreachable, bad answer, refused grant); the message is safe to show and log. */
public final class OidcException extends RuntimeException {
    public OidcException(String message) {
        super(message, null, false, false);
    }
}
