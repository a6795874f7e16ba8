package io.meridian.hub.auth.oidc;

import com.nimbusds.jwt.JWTClaimsSet;
import io.meridian.hub.web.Names;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns verified Keycloak claims into a hub identity: the user name from the configured claim
 * (checked with the hub's one name rule), admin from roles, hub groups from Keycloak groups,
 * from instructor roles and from AI4OS-style entitlements {@code access:<vo>:<level>}.
 */
public final class ClaimMapping {
    private static final Pattern ENTITLEMENT = Pattern.compile("^access:([^:\\s]+):([^:\\s]+)$");
    private static final List<String> ENTITLEMENT_CLAIMS = List.of("entitlements", "eduperson_entitlement");

    private final OidcSettings settings;

    public ClaimMapping(OidcSettings settings) {
        this.settings = settings;
    }

    /**
     * Who a Keycloak user is on the hub.
     *
     * @param groups hub group names, each valid under the hub's naming rule
     */
    public record Identity(String username, String subject, boolean admin, Set<String> groups) {
    }

    /** Maps claims (later sets add to earlier ones: an ID token's, then its access token's). */
    public Identity map(JWTClaimsSet... claimSets) {
        String username = null;
        String subject = null;
        Set<String> roles = new TreeSet<>();
        Set<String> groups = new TreeSet<>();
        Set<String> entitlements = new TreeSet<>();
        for (JWTClaimsSet claims : claimSets) {
            if (username == null) {
                username = JwtVerifier.stringClaim(claims, settings.usernameClaim());
            }
            if (subject == null) {
                subject = claims.getSubject();
            }
            roles.addAll(strings(claims.getClaim("realm_access"), "roles"));
            if (claims.getClaim("resource_access") instanceof Map<?, ?> resources) {
                roles.addAll(strings(resources.get(settings.clientId()), "roles"));
            }
            for (String group : strings(claims.getClaim(settings.groupsClaim()), null)) {
                hubGroup(group).ifPresent(groups::add);
            }
            for (String claim : ENTITLEMENT_CLAIMS) {
                entitlements.addAll(strings(claims.getClaim(claim), null));
            }
        }
        if (username == null || username.isEmpty()) {
            throw new MappingException("the Keycloak token has no '" + settings.usernameClaim()
                    + "' claim to name the hub user; add a mapper for it or set keycloak.username_claim");
        }
        if (!Names.isValidUser(username)) {
            throw new MappingException("the Keycloak user name '" + printable(username) + "' is not a valid hub user name: "
                    + "use 1-64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        boolean admin = roles.stream().anyMatch(settings.adminRoles()::contains);
        if (roles.stream().anyMatch(settings.instructorRoles()::contains)) {
            hubGroup(settings.instructorGroup()).ifPresent(groups::add);
        }
        entitlements.addAll(roles);
        if (!settings.entitlementGroup().isEmpty()) {
            for (String value : entitlements) {
                Matcher m = ENTITLEMENT.matcher(value);
                if (m.matches()) {
                    hubGroup(settings.entitlementGroup().replace("{vo}", m.group(1)).replace("{level}", m.group(2)))
                            .ifPresent(groups::add);
                }
            }
        }
        return new Identity(username, subject, admin, groups);
    }

    /** Whether the identity may use the hub: every user when no allowed groups are configured. */
    public boolean allowed(Identity identity) {
        return settings.allowedGroups().isEmpty() || identity.groups().stream().anyMatch(settings.allowedGroups()::contains);
    }

    /**
     * A Keycloak group as a hub group: the path without its leading slash, subgroups joined by
     * '.', lowercased ("/Physics/Lab-1" becomes "physics.lab-1"); names the hub rule rejects are skipped.
     */
    static Optional<String> hubGroup(String keycloakGroup) {
        String name = keycloakGroup.startsWith("/") ? keycloakGroup.substring(1) : keycloakGroup;
        name = name.replace('/', '.').toLowerCase(Locale.ROOT);
        return Names.isValidUser(name) ? Optional.of(name) : Optional.empty();
    }

    // A claim that is a list of strings, or an object holding one under `field`.
    private static Collection<String> strings(Object claim, String field) {
        Object value = field == null ? claim : claim instanceof Map<?, ?> map ? map.get(field) : null;
        List<String> out = new ArrayList<>();
        if (value instanceof Collection<?> items) {
            for (Object item : items) {
                if (item instanceof String s) {
                    out.add(s);
                }
            }
        } else if (value instanceof String s) {
            out.add(s);
        }
        return out;
    }

    private static String printable(String value) {
        String text = value.replaceAll("[^\\x20-\\x7e]", "?");
        return text.length() > 64 ? text.substring(0, 64) + "..." : text;
    }

    /** The claims cannot name a hub user; the message says which claim or rule. */
    public static final class MappingException extends RuntimeException {
        public MappingException(String message) {
            super(message, null, false, false);
        }
    }
}
