package io.meridian.hub.auth;

import io.meridian.hub.users.User;

/**
 * A second kind of API credential next to hub tokens: a JWT issued by the identity provider
 * (Keycloak access tokens, see hub.auth.oidc). Hub tokens are 64 hex characters and never look like a JWT.
 */
public interface BearerVerifier {

    /** Whether {@code credential} is this verifier's kind (so a hub token is never sent to it). */
    boolean recognizes(String credential);

    /** The hub user the credential stands for; an ApiException (401, 403) says why it is refused. */
    User user(String credential);
}
