package io.meridian.hub.auth.oidc;

import io.helidon.config.Config;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keycloak (OIDC) login settings: the {@code keycloak:} section of the hub's YAML file, with
 * {@code MERIDIAN_KEYCLOAK_*} environment variables on top. Keycloak is off unless an issuer is set.
 *
 * @param issuer            the realm's issuer URL, e.g. https://sso.example.org/realms/meridian
 * @param clientId          the confidential client the hub logs in as
 * @param clientSecret      that client's secret (never logged)
 * @param callbackUrl       where Keycloak sends the browser back: {public_url}/hub/oauth_callback
 * @param postLogoutUrl     where Keycloak sends the browser after logout: {public_url}/hub/login
 * @param audiences         an access token must be meant for one of these (default: the client id)
 * @param usernameClaim     the claim that names the hub user (default preferred_username)
 * @param groupsClaim       the claim listing Keycloak groups (default groups)
 * @param adminRoles        realm or client roles that make a hub admin
 * @param instructorRoles   realm or client roles that put the user in {@code instructorGroup}
 * @param instructorGroup   the hub group of instructors
 * @param allowedGroups     if not empty, only members of one of these (hub) groups may log in
 * @param entitlementGroup  template turning an entitlement {@code access:<vo>:<level>} into a hub group
 *                          name ({vo} and {level} are replaced); empty: entitlements are not mapped
 * @param createUsers       create hub users on first login or first API call
 * @param localLogin        whether the hub's own password login stays available
 * @param clockSkew         tolerance for exp/nbf/iat
 * @param httpTimeout       timeout for each call to Keycloak
 * @param groupDirectory    whether courses may take their students from a Keycloak group, read with the
 *                          client's service account through the Admin REST API
 */
public record OidcSettings(URI issuer,
                           String clientId,
                           String clientSecret,
                           String callbackUrl,
                           String postLogoutUrl,
                           List<String> audiences,
                           String usernameClaim,
                           String groupsClaim,
                           List<String> adminRoles,
                           List<String> instructorRoles,
                           String instructorGroup,
                           List<String> allowedGroups,
                           String entitlementGroup,
                           boolean createUsers,
                           boolean localLogin,
                           Duration clockSkew,
                           Duration httpTimeout,
                           boolean groupDirectory) {
    private static final Pattern KEYCLOAK_ISSUER = Pattern.compile("(.*)/realms/([^/]+)");

    /** The settings, or empty when no issuer is configured (local accounts only). */
    public static Optional<OidcSettings> load(Config yaml, Map<String, String> env, String publicUrl) {
        Config k = yaml.get("keycloak");
        String issuer = value(env, "MERIDIAN_KEYCLOAK_ISSUER", k, "issuer", "");
        if (issuer.isBlank()) {
            return Optional.empty();
        }
        String clientId = value(env, "MERIDIAN_KEYCLOAK_CLIENT_ID", k, "client_id", "meridian-hub");
        String secret = value(env, "MERIDIAN_KEYCLOAK_CLIENT_SECRET", k, "client_secret", "");
        if (secret.isBlank()) {
            throw new IllegalArgumentException("keycloak.client_secret (MERIDIAN_KEYCLOAK_CLIENT_SECRET) is required "
                    + "when keycloak.issuer is set");
        }
        URI issuerUri = URI.create(issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer);
        if (!"https".equals(issuerUri.getScheme()) && !"http".equals(issuerUri.getScheme())) {
            throw new IllegalArgumentException("keycloak.issuer must be an http(s) URL, got " + issuer);
        }
        OidcSettings settings = new OidcSettings(
                issuerUri,
                clientId,
                secret,
                publicUrl + "/hub/oauth_callback",
                publicUrl + "/hub/login",
                list(value(env, "MERIDIAN_KEYCLOAK_AUDIENCE", k, "audience", clientId)),
                value(env, "MERIDIAN_KEYCLOAK_USERNAME_CLAIM", k, "username_claim", "preferred_username"),
                value(env, "MERIDIAN_KEYCLOAK_GROUPS_CLAIM", k, "groups_claim", "groups"),
                list(value(env, "MERIDIAN_KEYCLOAK_ADMIN_ROLES", k, "admin_roles", "meridian-admin")),
                list(value(env, "MERIDIAN_KEYCLOAK_INSTRUCTOR_ROLES", k, "instructor_roles", "instructor")),
                value(env, "MERIDIAN_KEYCLOAK_INSTRUCTOR_GROUP", k, "instructor_group", "instructors"),
                list(value(env, "MERIDIAN_KEYCLOAK_ALLOWED_GROUPS", k, "allowed_groups", "")),
                value(env, "MERIDIAN_KEYCLOAK_ENTITLEMENT_GROUP", k, "entitlement_group", "{vo}"),
                Boolean.parseBoolean(value(env, "MERIDIAN_KEYCLOAK_CREATE_USERS", k, "create_users", "true")),
                Boolean.parseBoolean(value(env, "MERIDIAN_LOCAL_LOGIN", k, "local_login", "true")),
                Duration.ofSeconds(Long.parseLong(value(env, "MERIDIAN_KEYCLOAK_CLOCK_SKEW_SECONDS", k,
                        "clock_skew_seconds", "30"))),
                Duration.ofSeconds(Long.parseLong(value(env, "MERIDIAN_KEYCLOAK_HTTP_TIMEOUT_SECONDS", k,
                        "http_timeout_seconds", "10"))),
                Boolean.parseBoolean(value(env, "MERIDIAN_KEYCLOAK_GROUP_DIRECTORY", k, "group_directory", "true")));
        if (settings.groupDirectory()) {
            settings.adminApi(); // a startup error rather than a failing course import later
        }
        return Optional.of(settings);
    }

    /**
     * The realm's Admin REST API, {@code <base>/admin/realms/<realm>}, derived from a Keycloak issuer
     * {@code <base>/realms/<realm>}.
     *
     * @throws IllegalArgumentException when the issuer does not have Keycloak's shape
     */
    public URI adminApi() {
        Matcher m = KEYCLOAK_ISSUER.matcher(issuer.toString());
        if (!m.matches()) {
            throw new IllegalArgumentException("keycloak.issuer " + issuer + " is not a Keycloak realm URL (<base>/realms/<realm>), "
                    + "so the group directory cannot find the Admin REST API; set keycloak.group_directory: false");
        }
        return URI.create(m.group(1) + "/admin/realms/" + m.group(2));
    }

    /** The secret stays out of logs and error messages that print the settings. */
    @Override
    public String toString() {
        return "OidcSettings[issuer=" + issuer + ", clientId=" + clientId + ", audiences=" + audiences
                + ", usernameClaim=" + usernameClaim + ", allowedGroups=" + allowedGroups
                + ", groupDirectory=" + groupDirectory + "]";
    }

    private static String value(Map<String, String> env, String envName, Config section, String key, String defaultValue) {
        String fromEnv = env.get(envName);
        if (fromEnv != null) {
            return fromEnv.trim();
        }
        Config node = section.get(key);
        if (node.isList()) {
            return String.join(",", node.asList(String.class).get());
        }
        return node.asString().map(String::trim).orElse(defaultValue);
    }

    // Lists are comma- or space-separated in environment variables, YAML lists in the file.
    private static List<String> list(String value) {
        return Arrays.stream(value.split("[,\\s]+")).filter(s -> !s.isEmpty()).toList();
    }
}
