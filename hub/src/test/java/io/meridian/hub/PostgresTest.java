package io.meridian.hub;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.hub.TestHub.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The production database: the same Flyway migrations on a real PostgreSQL server (started by
 * scripts/setup.d/30-postgres.sh), and a round trip of hub data through it across a hub restart.
 */
class PostgresTest {
    static final String URL = setting("MERIDIAN_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:55432/meridian_test");
    static final String USER = setting("MERIDIAN_TEST_PG_USER", "meridian");
    static final String PASSWORD = setting("MERIDIAN_TEST_PG_PASSWORD", "meridian");

    @BeforeAll
    static void emptyDatabase() throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA public CASCADE");
            st.execute("CREATE SCHEMA public");
        }
    }

    @Test
    void migrationsRunAndHubDataSurvivesARestart() throws SQLException {
        Map<String, String> env = Map.of("MERIDIAN_DB_URL", URL, "MERIDIAN_DB_USER", USER, "MERIDIAN_DB_PASSWORD", PASSWORD);
        Path dataDir = TestHub.tempDir();
        String tokenSecret;
        try (TestHub hub = TestHub.start(dataDir, env)) {
            assertEquals("PostgreSQL", hub.get("/hub/health", null).json().at("/components/database/product").asText());
            assertEquals(201, hub.admin("POST", "/hub/api/users", "{\"usernames\": [\"pg-a\", \"pg-b\"]}").status());
            assertEquals(200, hub.admin("PATCH", "/hub/api/users/pg-b", "{\"admin\": true}").status());
            assertEquals(201, hub.admin("POST", "/hub/api/groups/pg-group", "{\"users\": [\"pg-a\"]}").status());
            assertEquals(200, hub.admin("PUT", "/hub/api/groups/pg-group/properties", "{\"k\": [1, 2]}").status());
            assertEquals(201, hub.admin("PUT", "/hub/api/users/pg-a/servers/lab", "{\"user_options\": {\"cpu\": 2}}").status());
            tokenSecret = hub.userWithToken("pg-a", "read:users!user=pg-a");
            assertEquals(200, hub.get("/hub/api/users/pg-a", tokenSecret).status());
            assertEquals(201, hub.admin("POST", "/hub/api/users/pg-gone", null).status());
            assertEquals(204, hub.admin("DELETE", "/hub/api/users/pg-gone", null).status());
        }
        try (Connection c = connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT version, success FROM flyway_schema_history WHERE version IS NOT NULL ORDER BY installed_rank")) {
            assertTrue(rs.next());
            assertEquals("1", rs.getString(1));
            assertTrue(rs.getBoolean(2));
        }
        try (Connection c = connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT hash FROM tokens")) {
            while (rs.next()) {
                assertTrue(rs.getString(1).matches("[0-9a-f]{64}"), "tokens are stored as SHA-256 digests");
                assertTrue(!rs.getString(1).equals(tokenSecret));
            }
        }
        try (TestHub again = TestHub.start(dataDir, env)) {
            JsonNode a = again.admin("GET", "/hub/api/users/pg-a?include_stopped_servers", null).json();
            assertEquals("pg-group", a.at("/groups/0").asText());
            assertEquals(2, a.at("/servers/lab/user_options/cpu").asInt());
            assertTrue(again.admin("GET", "/hub/api/users/pg-b", null).json().get("admin").asBoolean());
            assertEquals(2, again.admin("GET", "/hub/api/groups/pg-group", null).json().at("/properties/k").size());
            assertEquals(404, again.admin("GET", "/hub/api/users/pg-gone", null).status());
            Response withOldToken = again.get("/hub/api/users/pg-a", tokenSecret);
            assertEquals(200, withOldToken.status(), "tokens survive a restart");
        }
    }

    static Connection connect() throws SQLException {
        try {
            return DriverManager.getConnection(URL, USER, PASSWORD);
        } catch (SQLException e) {
            throw new SQLException("PostgreSQL is not reachable at " + URL + ": run scripts/setup.sh (30-postgres.sh) "
                    + "or set MERIDIAN_TEST_PG_URL/USER/PASSWORD. " + e.getMessage(), e);
        }
    }

    private static String setting(String name, String defaultValue) {
        return System.getProperty(name, System.getenv().getOrDefault(name, defaultValue));
    }
}
