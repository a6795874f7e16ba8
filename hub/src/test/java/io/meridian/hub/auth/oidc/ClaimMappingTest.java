package io.meridian.hub.auth.oidc;

import com.nimbusds.jwt.JWTClaimsSet;
import io.helidon.config.Config;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Keycloak claims to hub users: name rule, admin and instructor roles, groups, AI4OS-style entitlements. */
class ClaimMappingTest {

    private static ClaimMapping mapping(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of("MERIDIAN_KEYCLOAK_ISSUER", JwtVerifierTest.ISSUER,
                "MERIDIAN_KEYCLOAK_CLIENT_SECRET", "s"));
        env.putAll(extra);
        return new ClaimMapping(OidcSettings.load(Config.empty(), env, "http://127.0.0.1:8000").orElseThrow());
    }

    @Test
    void realmAndClientRolesGroupsAndEntitlementsMapToAdminAndGroups() {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .claim("preferred_username", "alice")
                .claim("realm_access", Map.of("roles", List.of("default-roles-meridian", "access:vo.ai4eosc.eu:member")))
                .claim("resource_access", Map.of("meridian-hub", Map.of("roles", List.of("meridian-admin", "instructor")),
                        "other-client", Map.of("roles", List.of("instructor"))))
                .claim("groups", List.of("/Physics", "/physics/Lab-1", "not a valid name!"))
                .build();
        ClaimMapping.Identity id = mapping(Map.of()).map(claims);
        assertEquals("alice", id.username());
        assertTrue(id.admin());
        assertEquals(Set.of("physics", "physics.lab-1", "instructors", "vo.ai4eosc.eu"), id.groups());
    }

    @Test
    void rolesOfOtherClientsGrantNothing() {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().claim("preferred_username", "bob")
                .claim("resource_access", Map.of("other-client", Map.of("roles", List.of("meridian-admin", "instructor"))))
                .build();
        ClaimMapping.Identity id = mapping(Map.of()).map(claims);
        assertFalse(id.admin());
        assertEquals(Set.of(), id.groups());
    }

    @Test
    void theEntitlementTemplateAndUsernameClaimAreConfigurable() {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().claim("email_name", "carol.c")
                .claim("entitlements", List.of("access:vo.imagine-ai.eu:admin", "urn:something:else"))
                .build();
        ClaimMapping.Identity id = mapping(Map.of("MERIDIAN_KEYCLOAK_USERNAME_CLAIM", "email_name",
                "MERIDIAN_KEYCLOAK_ENTITLEMENT_GROUP", "{vo}-{level}")).map(claims);
        assertEquals("carol.c", id.username());
        assertEquals(Set.of("vo.imagine-ai.eu-admin"), id.groups());
    }

    @Test
    void aUsernameTheHubRuleRejectsIsAClearError() {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().claim("preferred_username", "Alice Smith").build();
        var e = assertThrows(ClaimMapping.MappingException.class, () -> mapping(Map.of()).map(claims));
        assertTrue(e.getMessage().startsWith("the Keycloak user name 'Alice Smith' is not a valid hub user name"), e.getMessage());
    }

    @Test
    void aMissingUsernameClaimIsAClearError() {
        var e = assertThrows(ClaimMapping.MappingException.class,
                () -> mapping(Map.of()).map(new JWTClaimsSet.Builder().subject("x").build()));
        assertTrue(e.getMessage().contains("no 'preferred_username' claim"), e.getMessage());
    }

    @Test
    void allowedGroupsLimitWhoMayUseTheHub() {
        ClaimMapping m = mapping(Map.of("MERIDIAN_KEYCLOAK_ALLOWED_GROUPS", "physics, chemistry"));
        assertTrue(m.allowed(new ClaimMapping.Identity("a", "s", false, Set.of("physics"))));
        assertFalse(m.allowed(new ClaimMapping.Identity("c", "s", false, Set.of("visitors"))));
        assertTrue(mapping(Map.of()).allowed(new ClaimMapping.Identity("c", "s", false, Set.of())));
    }
}
