package io.meridian.hub.servers;

import io.meridian.hub.auth.Caller;

/**
 * Access to another user's server that scopes do not give: an instructor opening a student's course server.
 */
@FunctionalInterface
public interface ServerGrants {
    /**
     * @param credential a digest of the token or session used, so a grant can be recorded once per credential and server
     */
    boolean allows(Caller caller, String credential, String user, String server);
}
