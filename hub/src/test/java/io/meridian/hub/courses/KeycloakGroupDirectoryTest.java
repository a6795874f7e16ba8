package io.meridian.hub.courses;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.config.Config;
import io.meridian.hub.TestHub;
import io.meridian.hub.TestHub.Response;
import io.meridian.hub.auth.oidc.KeycloakClient;
import io.meridian.hub.auth.oidc.KeycloakServer;
import io.meridian.hub.auth.oidc.MovableClock;
import io.meridian.hub.auth.oidc.OidcSettings;
import io.meridian.hub.web.ApiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Course rosters from Keycloak groups, read from the real test Keycloak with the hub client's service
 * account: members (also people who never logged in), subgroups, groups larger than a page, and a
 * clear error for every way it can go wrong; and a course roster imported from a group through the hub.
 */
@ExtendWith(KeycloakServer.class)
class KeycloakGroupDirectoryTest {
    private static final KeycloakServer keycloak = new KeycloakServer();

    @Test
    void aGroupsEnabledMembersAreItsRosterWithEmailAndName() {
        List<RosterEntry> members = directory(KeycloakServer.CLIENT_ID, KeycloakServer.CLIENT_SECRET).members("/courses/ml-101");

        assertEquals(Set.of(new RosterEntry("kcg-ann", "ann@example.org", "Ann Lee"),
                new RosterEntry("kcg-ben", "ben@example.org", "Ben Okafor"),
                new RosterEntry("kcg-cem", "", "")), Set.copyOf(members),
                "direct members only: disabled kcg-dan and subgroup member kcg-eve are left out");
        assertEquals(3, members.size());
    }

    @Test
    void aSubgroupIsFoundByItsPathWrittenEitherWay() {
        GroupDirectory directory = directory(KeycloakServer.CLIENT_ID, KeycloakServer.CLIENT_SECRET);

        List<RosterEntry> lab = directory.members("/courses/ml-101/lab-a");

        assertEquals(List.of(new RosterEntry("kcg-eve", "eve@example.org", "Eve Lab")), lab);
        assertEquals(lab, directory.members(" courses/ml-101/lab-a/ "));
    }

    @Test
    void aGroupLargerThanOnePageIsReadCompletely() {
        int size = KeycloakGroupDirectory.PAGE * 2 + 7;
        String users = IntStream.range(0, size).mapToObj(i -> String.format("""
                {"username": "kcg-big-%03d", "enabled": true, "email": "big%03d@example.org", "groups": ["/courses/big-lecture"]}""",
                i, i)).collect(Collectors.joining(","));
        keycloak.importPartially("{\"ifResourceExists\": \"SKIP\", \"users\": [" + users + "]}");

        List<RosterEntry> members = directory(KeycloakServer.CLIENT_ID, KeycloakServer.CLIENT_SECRET).members("/courses/big-lecture");

        Set<String> names = new HashSet<>(members.stream().map(RosterEntry::username).toList());
        assertEquals(size, members.size(), "every member once");
        assertEquals(IntStream.range(0, size).mapToObj(i -> String.format("kcg-big-%03d", i)).collect(Collectors.toSet()), names);
    }

    @Test
    void withSubgroupsTheWholeTreeIsTheRosterEachPersonOnce() {
        // a lecture with a group per lab and a team inside one lab; kcg-tree-both is in the lecture and in a lab
        keycloak.importPartially("""
                {"ifResourceExists": "SKIP",
                 "groups": [{"name": "tree-lecture", "path": "/tree-lecture", "subGroups": [
                     {"name": "lab-1", "path": "/tree-lecture/lab-1", "subGroups": [{"name": "team-x", "path": "/tree-lecture/lab-1/team-x"}]},
                     {"name": "lab-2", "path": "/tree-lecture/lab-2"}]}],
                 "users": [
                     {"username": "kcg-tree-lead", "enabled": true, "groups": ["/tree-lecture"]},
                     {"username": "kcg-tree-both", "enabled": true, "groups": ["/tree-lecture", "/tree-lecture/lab-2"]},
                     {"username": "kcg-tree-one", "enabled": true, "groups": ["/tree-lecture/lab-1"]},
                     {"username": "kcg-tree-deep", "enabled": true, "groups": ["/tree-lecture/lab-1/team-x"]},
                     {"username": "kcg-tree-off", "enabled": false, "groups": ["/tree-lecture/lab-2"]}]}""");
        GroupDirectory directory = directory(KeycloakServer.CLIENT_ID, KeycloakServer.CLIENT_SECRET);

        assertEquals(Set.of("kcg-tree-lead", "kcg-tree-both"), usernames(directory.members("/tree-lecture")));
        List<RosterEntry> tree = directory.members("/tree-lecture", true);
        assertEquals(4, tree.size(), "each person once, the disabled one left out: " + tree);
        assertEquals(Set.of("kcg-tree-lead", "kcg-tree-both", "kcg-tree-one", "kcg-tree-deep"), usernames(tree));
        assertEquals(Set.of("kcg-tree-one", "kcg-tree-deep"), usernames(directory.members("/tree-lecture/lab-1", true)));
    }

    private static Set<String> usernames(List<RosterEntry> entries) {
        return entries.stream().map(RosterEntry::username).collect(Collectors.toSet());
    }

    @Test
    void anUnknownGroupIsNotFound() {
        GroupDirectory directory = directory(KeycloakServer.CLIENT_ID, KeycloakServer.CLIENT_SECRET);

        ApiException unknown = assertThrows(ApiException.class, () -> directory.members("/courses/no-such-course"));
        assertEquals(404, unknown.status());
        assertEquals("Keycloak has no group /courses/no-such-course", unknown.getMessage());

        ApiException notTopLevel = assertThrows(ApiException.class, () -> directory.members("ml-101"));
        assertEquals(404, notTopLevel.status(), "a plain name is a top-level group, not a search");
    }

    @Test
    void anEmptyOrMalformedGroupPathIsABadRequest() {
        GroupDirectory directory = directory(KeycloakServer.CLIENT_ID, KeycloakServer.CLIENT_SECRET);

        for (String bad : new String[] {"", "  ", "/", "/courses//ml-101"}) {
            ApiException e = assertThrows(ApiException.class, () -> directory.members(bad), bad);
            assertEquals(400, e.status(), bad);
        }
    }

    @Test
    void aWrongClientSecretIsABadGatewayThatNamesTheRefusal() {
        String secret = "not-the-meridian-hub-secret";

        ApiException e = assertThrows(ApiException.class,
                () -> directory(KeycloakServer.CLIENT_ID, secret).members("/courses/ml-101"));

        assertEquals(502, e.status());
        assertTrue(e.getMessage().contains("Invalid client or Invalid client credentials"), e.getMessage());
        assertFalse(e.getMessage().contains(secret), "the secret stays out of the message");
    }

    @Test
    void aServiceAccountWithoutRolesIsToldWhichRolesItNeeds() {
        ApiException e = assertThrows(ApiException.class,
                () -> directory("meridian-hub-noroles", "meridian-hub-noroles-secret").members("/courses/ml-101"));

        assertEquals(502, e.status());
        assertTrue(e.getMessage().contains("service account of client meridian-hub-noroles"), e.getMessage());
        assertTrue(e.getMessage().contains("realm-management role view-users"), e.getMessage());
    }

    @Test
    void anUnreachableKeycloakIsABadGateway() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        OidcSettings settings = settings("http://127.0.0.1:" + closedPort + "/realms/meridian", KeycloakServer.CLIENT_ID,
                KeycloakServer.CLIENT_SECRET);

        ApiException e = assertThrows(ApiException.class, () -> new KeycloakGroupDirectory(new KeycloakClient(settings),
                Clock.systemUTC()).members("/courses/ml-101"));

        assertEquals(502, e.status());
        assertTrue(e.getMessage().contains("127.0.0.1:" + closedPort + " is not reachable"), e.getMessage());
    }

    @Test
    void theServiceAccountTokenIsReusedUntilShortlyBeforeItExpires() {
        MovableClock clock = new MovableClock(Instant.now());
        OidcSettings settings = settings(KeycloakServer.issuer(), KeycloakServer.CLIENT_ID, KeycloakServer.CLIENT_SECRET);
        GroupDirectory directory = new KeycloakGroupDirectory(new KeycloakClient(settings), clock);
        int before = keycloak.clientLogins(KeycloakServer.CLIENT_ID);

        directory.members("/courses/ml-101");
        directory.members("/courses/ml-101/lab-a");
        clock.advance(Duration.ofSeconds(260)); // the realm's tokens live 300 s
        directory.members("/courses/ml-101");
        assertEquals(before + 1, keycloak.clientLogins(KeycloakServer.CLIENT_ID), "one token for all three reads");

        clock.advance(Duration.ofSeconds(15)); // within the last 30 s of its life
        directory.members("/courses/ml-101");
        assertEquals(before + 2, keycloak.clientLogins(KeycloakServer.CLIENT_ID), "renewed before it expires");
    }

    @Test
    void aTokenKeycloakStopsAcceptingIsReplacedOnce() {
        GroupDirectory directory = directory(KeycloakServer.CLIENT_ID, KeycloakServer.CLIENT_SECRET);
        directory.members("/courses/ml-101");
        int before = keycloak.clientLogins(KeycloakServer.CLIENT_ID);
        long revokedUpTo = Instant.now().getEpochSecond() + 1;
        while (Instant.now().getEpochSecond() < revokedUpTo) {
            TestHub.sleep(50); // the cached token must be older than the revocation, in whole seconds
        }
        keycloak.revokeTokensIssuedBefore(revokedUpTo);

        assertEquals(3, directory.members("/courses/ml-101").size());
        assertEquals(before + 1, keycloak.clientLogins(KeycloakServer.CLIENT_ID), "one fresh token after the 401");
    }

    @Test
    void anInstructorImportsAKeycloakGroupAsTheRosterThroughTheHubApi() {
        try (TestHub hub = TestHub.start(TestHub.tempDir(), hubEnv(Map.of()))) {
            String teacher = hub.userWithToken("kcg-teacher");
            Response created = hub.admin("POST", "/api/v1/courses", "{\"name\": \"kcg-ml\", \"instructors\": [\"kcg-teacher\"]}");
            assertEquals(201, created.status(), created.body());

            Response unknown = hub.post("/api/v1/courses/kcg-ml/roster", teacher, "{\"group\": \"/courses/nope\"}");
            assertEquals(404, unknown.status(), unknown.body());
            assertEquals("Keycloak has no group /courses/nope", unknown.json().get("message").asText());

            Response imported = hub.post("/api/v1/courses/kcg-ml/roster", teacher, "{\"group\": \"/courses/ml-101\"}");
            assertEquals(200, imported.status(), imported.body());
            assertEquals(List.of("kcg-ann", "kcg-ben", "kcg-cem"), names(imported.json().get("added")));
            JsonNode students = hub.get("/api/v1/courses/kcg-ml/students", teacher).json().get("students");
            assertEquals("Ben Okafor", students.get(1).get("name").asText());
            assertEquals("ben@example.org", students.get(1).get("email").asText());
            assertEquals(200, hub.admin("GET", "/hub/api/users/kcg-ann", null).status(),
                    "a member who never logged in is now a hub user");

            Response again = hub.post("/api/v1/courses/kcg-ml/roster", teacher, "{\"group\": \"courses/ml-101\"}");
            assertEquals(3, again.json().get("unchanged").asInt(), again.body());
            assertEquals(List.of(), names(again.json().get("added")));

            Response badFlag = hub.post("/api/v1/courses/kcg-ml/roster", teacher,
                    "{\"group\": \"/courses/ml-101\", \"include_subgroups\": \"yes\"}");
            assertEquals(400, badFlag.status(), badFlag.body());
            assertEquals("include_subgroups must be true or false", badFlag.json().get("message").asText());
            Response withLabs = hub.post("/api/v1/courses/kcg-ml/roster", teacher,
                    "{\"group\": \"/courses/ml-101\", \"include_subgroups\": true}");
            assertEquals(200, withLabs.status(), withLabs.body());
            assertEquals(List.of("kcg-eve"), names(withLabs.json().get("added")), "the lab-a member joins");
            assertEquals(3, withLabs.json().get("unchanged").asInt(), withLabs.body());
        }
    }

    @Test
    void withTheGroupDirectoryTurnedOffRostersComeAsCsvOnly() {
        try (TestHub hub = TestHub.start(TestHub.tempDir(), hubEnv(Map.of("MERIDIAN_KEYCLOAK_GROUP_DIRECTORY", "false")))) {
            String teacher = hub.userWithToken("kcg-teacher");
            assertEquals(201, hub.admin("POST", "/api/v1/courses", "{\"name\": \"kcg-off\", \"instructors\": [\"kcg-teacher\"]}")
                    .status());

            Response group = hub.post("/api/v1/courses/kcg-off/roster", teacher, "{\"group\": \"/courses/ml-101\"}");

            assertEquals(400, group.status(), group.body());
            assertEquals(404, hub.admin("GET", "/hub/api/users/kcg-ann", null).status(), "nobody was created");
        }
    }

    private static Map<String, String> hubEnv(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of("MERIDIAN_KEYCLOAK_ISSUER", KeycloakServer.issuer(),
                "MERIDIAN_KEYCLOAK_CLIENT_ID", KeycloakServer.CLIENT_ID,
                "MERIDIAN_KEYCLOAK_CLIENT_SECRET", KeycloakServer.CLIENT_SECRET));
        env.putAll(extra);
        return env;
    }

    private static List<String> names(JsonNode array) {
        List<String> names = new ArrayList<>();
        array.forEach(n -> names.add(n.asText()));
        return names;
    }

    private static GroupDirectory directory(String clientId, String secret) {
        return new KeycloakGroupDirectory(new KeycloakClient(settings(KeycloakServer.issuer(), clientId, secret)),
                Clock.systemUTC());
    }

    private static OidcSettings settings(String issuer, String clientId, String secret) {
        return OidcSettings.load(Config.empty(), Map.of("MERIDIAN_KEYCLOAK_ISSUER", issuer,
                "MERIDIAN_KEYCLOAK_CLIENT_ID", clientId, "MERIDIAN_KEYCLOAK_CLIENT_SECRET", secret,
                "MERIDIAN_KEYCLOAK_HTTP_TIMEOUT_SECONDS", "5"), "http://127.0.0.1:1").orElseThrow();
    }
}
