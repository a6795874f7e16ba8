package io.meridian.hub.auth.oidc;

import io.meridian.hub.TestHub;

import java.util.HashMap;
import java.util.Map;

/** A real hub (Main, as configured by MERIDIAN_KEYCLOAK_*) logging in through the test Keycloak. */
final class KeycloakHub implements AutoCloseable {
    private final TestHub hub;

    private KeycloakHub(TestHub hub) {
        this.hub = hub;
    }

    /** Starts a hub for the test realm; {@code extraEnv} adds or overrides settings. */
    static KeycloakHub start(Map<String, String> extraEnv) {
        Map<String, String> env = new HashMap<>(env());
        env.putAll(extraEnv);
        return new KeycloakHub(TestHub.start(TestHub.tempDir(), env));
    }

    /** The settings every test hub shares: the test realm and its confidential client. */
    static Map<String, String> env() {
        return Map.of("MERIDIAN_KEYCLOAK_ISSUER", KeycloakServer.issuer(),
                "MERIDIAN_KEYCLOAK_CLIENT_ID", KeycloakServer.CLIENT_ID,
                "MERIDIAN_KEYCLOAK_CLIENT_SECRET", KeycloakServer.CLIENT_SECRET);
    }

    /** The hub's base URL, without a trailing slash. */
    String url() {
        return hub.url("");
    }

    TestHub hub() {
        return hub;
    }

    @Override
    public void close() {
        hub.close();
    }
}
