package io.meridian.hub.auth.oidc;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The keycloak: section of the hub's YAML file and the MERIDIAN_KEYCLOAK_* variables on top of it. */
class OidcSettingsTest {

    @Test
    void withoutAnIssuerKeycloakIsOff() {
        assertTrue(OidcSettings.load(Config.empty(), Map.of(), "http://127.0.0.1:8000").isEmpty());
    }

    @Test
    void theYamlSectionIsReadAndTheEnvironmentWins(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("hub.yml");
        Files.writeString(file, """
                keycloak:
                  issuer: https://sso.example.org/realms/meridian/
                  client_id: hub
                  client_secret: from-yaml
                  audience: [hub, meridian-api]
                  admin_roles: [hub-admin, superuser]
                  allowed_groups: [physics]
                  local_login: false
                  clock_skew_seconds: 5
                """);
        Config yaml = Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                .addSource(ConfigSources.file(file)).build();
        OidcSettings s = OidcSettings.load(yaml, Map.of("MERIDIAN_KEYCLOAK_CLIENT_SECRET", "from-env",
                "MERIDIAN_KEYCLOAK_ALLOWED_GROUPS", "physics chemistry"), "https://hub.example.org").orElseThrow();
        assertEquals("https://sso.example.org/realms/meridian", s.issuer().toString(), "no trailing slash");
        assertEquals("hub", s.clientId());
        assertEquals("from-env", s.clientSecret());
        assertEquals(List.of("hub", "meridian-api"), s.audiences());
        assertEquals(List.of("hub-admin", "superuser"), s.adminRoles());
        assertEquals(List.of("physics", "chemistry"), s.allowedGroups());
        assertFalse(s.localLogin());
        assertEquals(Duration.ofSeconds(5), s.clockSkew());
        assertEquals("https://hub.example.org/hub/oauth_callback", s.callbackUrl());
        assertEquals("https://hub.example.org/hub/login", s.postLogoutUrl());
        assertFalse(s.toString().contains("from-env"), "the secret stays out of toString");
    }

    @Test
    void defaultsFollowTheDocumentedRealm() {
        OidcSettings s = OidcSettings.load(Config.empty(), Map.of("MERIDIAN_KEYCLOAK_ISSUER", "http://localhost:8080/realms/meridian",
                "MERIDIAN_KEYCLOAK_CLIENT_SECRET", "s"), "http://127.0.0.1:8000").orElseThrow();
        assertEquals("meridian-hub", s.clientId());
        assertEquals(List.of("meridian-hub"), s.audiences());
        assertEquals("preferred_username", s.usernameClaim());
        assertEquals(List.of("meridian-admin"), s.adminRoles());
        assertEquals(List.of("instructor"), s.instructorRoles());
        assertEquals("instructors", s.instructorGroup());
        assertEquals(List.of(), s.allowedGroups());
        assertTrue(s.createUsers() && s.localLogin());
    }

    @Test
    void anIssuerWithoutSecretOrWithABadSchemeIsAStartupError() {
        var noSecret = assertThrows(IllegalArgumentException.class, () -> OidcSettings.load(Config.empty(),
                Map.of("MERIDIAN_KEYCLOAK_ISSUER", "https://sso.example.org/realms/x"), "http://h"));
        assertTrue(noSecret.getMessage().contains("MERIDIAN_KEYCLOAK_CLIENT_SECRET"), noSecret.getMessage());
        var badScheme = assertThrows(IllegalArgumentException.class, () -> OidcSettings.load(Config.empty(),
                Map.of("MERIDIAN_KEYCLOAK_ISSUER", "ftp://sso", "MERIDIAN_KEYCLOAK_CLIENT_SECRET", "s"), "http://h"));
        assertEquals("keycloak.issuer must be an http(s) URL, got ftp://sso", badScheme.getMessage());
    }

    @Test
    void theGroupDirectoryReadsTheAdminApiNextToTheIssuerUnlessTurnedOff() {
        OidcSettings s = OidcSettings.load(Config.empty(), Map.of("MERIDIAN_KEYCLOAK_ISSUER", "https://sso.example.org/auth/realms/meridian",
                "MERIDIAN_KEYCLOAK_CLIENT_SECRET", "s"), "http://h").orElseThrow();
        assertTrue(s.groupDirectory());
        assertEquals("https://sso.example.org/auth/admin/realms/meridian", s.adminApi().toString());

        OidcSettings off = OidcSettings.load(Config.empty(), Map.of("MERIDIAN_KEYCLOAK_ISSUER", "https://sso.example.org/realms/meridian",
                "MERIDIAN_KEYCLOAK_CLIENT_SECRET", "s", "MERIDIAN_KEYCLOAK_GROUP_DIRECTORY", "false"), "http://h").orElseThrow();
        assertFalse(off.groupDirectory());
    }

    @Test
    void anIssuerThatIsNotAKeycloakRealmNeedsTheGroupDirectoryOff() {
        var notKeycloak = assertThrows(IllegalArgumentException.class, () -> OidcSettings.load(Config.empty(),
                Map.of("MERIDIAN_KEYCLOAK_ISSUER", "https://login.example.org/oidc", "MERIDIAN_KEYCLOAK_CLIENT_SECRET", "s"), "http://h"));
        assertTrue(notKeycloak.getMessage().contains("keycloak.group_directory: false"), notKeycloak.getMessage());

        assertFalse(OidcSettings.load(Config.empty(), Map.of("MERIDIAN_KEYCLOAK_ISSUER", "https://login.example.org/oidc",
                "MERIDIAN_KEYCLOAK_CLIENT_SECRET", "s", "MERIDIAN_KEYCLOAK_GROUP_DIRECTORY", "false"), "http://h")
                .orElseThrow().groupDirectory());
    }
}
