package io.meridian.hub;

import io.meridian.hub.TestHub.Response;
import io.meridian.hub.web.Json;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin list stays fast at scale: GET /hub/api/users?limit=200 with 10,000 users, p50 at most
 * 50 ms over real HTTP, on the embedded database and on PostgreSQL.
 */
class UsersListPerformanceTest {
    private static final int USERS = 10_000;

    @Test
    void usersListIsFastWith10000UsersOnTheEmbeddedDatabase() {
        try (TestHub hub = TestHub.start()) {
            measure(hub, "H2");
        }
    }

    @Test
    void usersListIsFastWith10000UsersOnPostgres() throws SQLException {
        try (Connection c = PostgresTest.connect(); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA public CASCADE");
            st.execute("CREATE SCHEMA public");
        }
        try (TestHub hub = TestHub.start(TestHub.tempDir(), Map.of("MERIDIAN_DB_URL", PostgresTest.URL,
                "MERIDIAN_DB_USER", PostgresTest.USER, "MERIDIAN_DB_PASSWORD", PostgresTest.PASSWORD))) {
            measure(hub, "PostgreSQL");
        }
    }

    private static void measure(TestHub hub, String database) {
        for (int start = 0; start < USERS; start += 1000) {
            List<String> names = IntStream.range(start, start + 1000).mapToObj(i -> String.format("perf-%05d", i)).toList();
            Response r = hub.admin("POST", "/hub/api/users", Json.write(Map.of("usernames", names)));
            assertEquals(201, r.status(), r.body());
        }
        // Some users in groups and with servers, so the joins have work to do.
        hub.admin("POST", "/hub/api/groups/perf", Json.write(Map.of("users", List.of("perf-00001", "perf-00002"))));
        hub.admin("PUT", "/hub/api/users/perf-00003/servers/lab", null);
        for (int i = 0; i < 20; i++) {
            hub.admin("GET", "/hub/api/users?limit=200&offset=" + (i * 200), null);
        }
        List<Long> micros = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            long t0 = System.nanoTime();
            Response r = hub.admin("GET", "/hub/api/users?limit=200&offset=" + ((i * 400) % USERS), null);
            micros.add((System.nanoTime() - t0) / 1000);
            assertEquals(200, r.status());
            assertEquals(200, r.json().size());
        }
        long[] sorted = micros.stream().mapToLong(Long::longValue).sorted().toArray();
        long p50 = sorted[sorted.length / 2];
        long p90 = sorted[(int) (sorted.length * 0.9)];
        System.out.printf("GET /hub/api/users?limit=200 with %d users on %s: p50 %.1f ms, p90 %.1f ms%n",
                USERS, database, p50 / 1000.0, p90 / 1000.0);
        assertTrue(p50 <= 50_000, "p50 " + p50 / 1000.0 + " ms exceeds 50 ms: " + Arrays.toString(sorted));
    }
}
