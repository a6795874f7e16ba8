package io.meridian.hub;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.hub.TestHub.Response;
import io.meridian.hub.web.Json;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin users list stays correct at scale: with 10,000 users, offset/limit pages hold the right
 * 200 users in order with the right pagination metadata, on the embedded database and on PostgreSQL.
 * How fast it is belongs to bench/hub/run.sh, not to a test.
 */
class UsersListAtScaleTest {
    private static final int USERS = 10_000;
    private static final int PAGE = 200;
    private static final String PAGINATED = "application/jupyterhub-pagination+json";

    @Test
    void pagesOf10000UsersAreCompleteAndInOrderOnTheEmbeddedDatabase() {
        try (TestHub hub = TestHub.start()) {
            checkPaging(hub);
        }
    }

    @Test
    void pagesOf10000UsersAreCompleteAndInOrderOnPostgres() throws SQLException {
        try (Connection c = PostgresTest.connect(); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA public CASCADE");
            st.execute("CREATE SCHEMA public");
        }
        try (TestHub hub = TestHub.start(TestHub.tempDir(), Map.of("MERIDIAN_DB_URL", PostgresTest.URL,
                "MERIDIAN_DB_USER", PostgresTest.USER, "MERIDIAN_DB_PASSWORD", PostgresTest.PASSWORD))) {
            checkPaging(hub);
        }
    }

    private static void checkPaging(TestHub hub) {
        int before = page(hub, 0, PAGE).at("/_pagination/total").asInt();
        for (int start = 0; start < USERS; start += 1000) {
            List<String> names = IntStream.range(start, start + 1000).mapToObj(UsersListAtScaleTest::name).toList();
            Response r = hub.admin("POST", "/hub/api/users", Json.write(Map.of("usernames", names)));
            assertEquals(201, r.status(), r.body());
        }
        // A group member and a user with a (stopped) named server, so the page's joins must attach them to the right user.
        assertEquals(201, hub.admin("POST", "/hub/api/groups/scale", Json.write(Map.of("users", List.of(name(4201))))).status());
        assertEquals(201, hub.admin("PUT", "/hub/api/users/" + name(4202) + "/servers/lab", null).status());
        int total = before + USERS;

        // Users list in id order, so the hub's own users (e.g. admin) come first and ours follow in creation order.
        for (int first : List.of(0, 4200, 5000, USERS - 2 * PAGE)) {
            int offset = before + first;
            JsonNode body = page(hub, offset, PAGE);
            assertEquals(expectedNames(first, PAGE), names(body), "page at offset " + offset);
            assertEquals(offset, body.at("/_pagination/offset").asInt());
            assertEquals(PAGE, body.at("/_pagination/limit").asInt());
            assertEquals(total, body.at("/_pagination/total").asInt());
            assertEquals(offset + PAGE, body.at("/_pagination/next/offset").asInt());
            assertEquals(PAGE, body.at("/_pagination/next/limit").asInt());
            assertEquals("/hub/api/users?offset=" + (offset + PAGE) + "&limit=" + PAGE, body.at("/_pagination/next/url").asText());
        }

        JsonNode withJoins = hub.call("GET", "/hub/api/users?include_stopped_servers=1&limit=" + PAGE + "&offset=" + (before + 4200),
                TestHub.ADMIN_TOKEN, null, "Accept", PAGINATED).json();
        assertEquals(expectedNames(4200, PAGE), names(withJoins));
        JsonNode grouped = withJoins.get("items").get(1);
        assertEquals(name(4201), grouped.get("name").asText());
        assertEquals("scale", grouped.get("groups").get(0).asText());
        assertTrue(withJoins.get("items").get(2).get("servers").has("lab"), withJoins.get("items").get(2).toString());
        for (int i = 0; i < PAGE; i++) {
            if (i != 1) {
                assertEquals(0, withJoins.get("items").get(i).get("groups").size(), "groups of item " + i);
            }
            if (i != 2) {
                assertFalse(withJoins.get("items").get(i).get("servers").has("lab"), "servers of item " + i);
            }
        }

        JsonNode last = page(hub, total - PAGE, PAGE);
        assertEquals(expectedNames(USERS - PAGE, PAGE), names(last));
        assertTrue(last.at("/_pagination/next").isNull(), last.get("_pagination").toString());

        JsonNode partial = page(hub, total - 50, PAGE);
        assertEquals(expectedNames(USERS - 50, 50), names(partial));
        assertEquals(total, partial.at("/_pagination/total").asInt());
        assertTrue(partial.at("/_pagination/next").isNull());

        JsonNode beyond = page(hub, total + 10, PAGE);
        assertEquals(0, beyond.get("items").size());
        assertTrue(beyond.at("/_pagination/next").isNull());

        // A limit above the maximum is capped at 200, and the plain (unwrapped) answer is the same list.
        Response plain = hub.admin("GET", "/hub/api/users?limit=500&offset=" + (before + 5000), null);
        assertEquals(200, plain.status());
        List<String> plainNames = new ArrayList<>();
        plain.json().forEach(u -> plainNames.add(u.get("name").asText()));
        assertEquals(expectedNames(5000, PAGE), plainNames);

        // Descending by name walks the same users backwards.
        JsonNode descending = hub.call("GET", "/hub/api/users?sort=-name&name_filter=scale-&limit=" + PAGE + "&offset=" + PAGE,
                TestHub.ADMIN_TOKEN, null, "Accept", PAGINATED).json();
        assertEquals(expectedNames(USERS - 2 * PAGE, PAGE).reversed(), names(descending));
        assertEquals(USERS, descending.at("/_pagination/total").asInt());
    }

    private static JsonNode page(TestHub hub, int offset, int limit) {
        Response r = hub.call("GET", "/hub/api/users?limit=" + limit + "&offset=" + offset, TestHub.ADMIN_TOKEN, null,
                "Accept", PAGINATED);
        assertEquals(200, r.status(), r.body());
        return r.json();
    }

    private static List<String> names(JsonNode body) {
        List<String> names = new ArrayList<>();
        body.get("items").forEach(u -> names.add(u.get("name").asText()));
        return names;
    }

    private static List<String> expectedNames(int first, int count) {
        return IntStream.range(first, first + count).mapToObj(UsersListAtScaleTest::name).toList();
    }

    private static String name(int i) {
        return String.format("scale-%05d", i);
    }
}
