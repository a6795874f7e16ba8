package io.meridian.hub.servers;

import io.meridian.hub.db.Database;
import io.meridian.hub.web.Json;

import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/** Server rows: every lifecycle transition is one UPDATE here, so the database always says where a server is. */
public final class ServerStore {
    private static final String COLUMNS = "s.id, s.user_id, u.name AS user_name, s.name, s.display_name, s.state, "
            + "s.upstream, s.spawner_state, s.user_options, s.server_token, s.api_token_id, s.message, s.started, "
            + "s.stopped, s.last_activity";
    private static final String FROM = " FROM servers s JOIN users u ON u.id = s.user_id ";

    private final Database db;
    // user -> names of their named servers; the proxy asks on every request, so it is kept in memory.
    private volatile Map<String, Set<String>> namedServers = Map.of();

    public ServerStore(Database db) {
        this.db = db;
        reloadNamedServers();
    }

    public boolean hasNamed(String user, String server) {
        return namedServers.getOrDefault(user, Set.of()).contains(server);
    }

    /** Re-reads the named-server index; called after changes that touch many rows (user renamed or deleted). */
    public void reloadNamedServers() {
        namedServers = db.tx(c -> {
            Map<String, Set<String>> index = new ConcurrentHashMap<>();
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT u.name, s.name FROM servers s JOIN users u ON u.id = s.user_id WHERE s.name <> ''")) {
                while (rs.next()) {
                    index.computeIfAbsent(rs.getString(1), k -> ConcurrentHashMap.newKeySet()).add(rs.getString(2));
                }
            }
            return index;
        });
    }

    public Optional<ServerRow> find(String user, String server) {
        return db.tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + FROM + "WHERE u.name = ? AND s.name = ?")) {
                ps.setString(1, user);
                ps.setString(2, server);
                return one(ps);
            }
        });
    }

    public Optional<ServerRow> byId(long id) {
        return db.tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + FROM + "WHERE s.id = ?")) {
                ps.setLong(1, id);
                return one(ps);
            }
        });
    }

    /** Creates the row if needed (state stopped) and returns it. */
    public ServerRow create(long userId, String server, String displayName) {
        db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO servers (user_id, name, display_name, state) VALUES (?, ?, ?, ?)")) {
                ps.setLong(1, userId);
                ps.setString(2, server);
                ps.setString(3, displayName);
                ps.setString(4, ServerState.STOPPED.db());
                ps.executeUpdate();
            }
        });
        ServerRow row = byId(idOf(userId, server)).orElseThrow();
        indexNamed(row.user(), row.name());
        return row;
    }

    private void indexNamed(String user, String server) {
        if (!server.isEmpty()) {
            namedServers.computeIfAbsent(user, k -> ConcurrentHashMap.newKeySet()).add(server);
        }
    }

    /**
     * Moves a stopped server to pending spawn, atomically: false when it is not stopped (another
     * start or stop got there first).
     */
    public boolean beginSpawn(long id, Map<String, Object> userOptions, Instant now) {
        return db.tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE servers SET state = ?, user_options = ?, message = NULL, "
                    + "started = ?, stopped = NULL, last_activity = ? WHERE id = ? AND state = ?")) {
                ps.setString(1, ServerState.PENDING_SPAWN.db());
                ps.setString(2, Json.write(userOptions));
                ps.setObject(3, Database.ts(now));
                ps.setObject(4, Database.ts(now));
                ps.setLong(5, id);
                ps.setString(6, ServerState.STOPPED.db());
                return ps.executeUpdate() == 1;
            }
        });
    }

    public void markReady(long id, URI upstream, Map<String, String> spawnerState, String encryptedToken, Long apiTokenId) {
        db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE servers SET state = ?, upstream = ?, spawner_state = ?, "
                    + "server_token = ?, api_token_id = ? WHERE id = ?")) {
                ps.setString(1, ServerState.READY.db());
                ps.setString(2, upstream.toString());
                ps.setString(3, Json.write(spawnerState));
                ps.setString(4, encryptedToken);
                setLong(ps, 5, apiTokenId);
                ps.setLong(6, id);
                ps.executeUpdate();
            }
        });
    }

    /** Records the per-spawn API token as soon as it exists, so that a failed or interrupted spawn can revoke it. */
    public void recordApiToken(long id, Long apiTokenId) {
        db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE servers SET api_token_id = ? WHERE id = ?")) {
                setLong(ps, 1, apiTokenId);
                ps.setLong(2, id);
                ps.executeUpdate();
            }
        });
    }

    /** Ready -> pending stop, atomically; false when the server was not ready. */
    public boolean beginStop(long id) {
        return db.tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE servers SET state = ? WHERE id = ? AND state = ?")) {
                ps.setString(1, ServerState.PENDING_STOP.db());
                ps.setLong(2, id);
                ps.setString(3, ServerState.READY.db());
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** Any state -> stopped. The spawner state stays for the next start; tokens are gone. */
    public void markStopped(long id, String message, Instant now) {
        db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE servers SET state = ?, message = ?, stopped = ?, "
                    + "upstream = NULL, server_token = NULL, api_token_id = NULL WHERE id = ?")) {
                ps.setString(1, ServerState.STOPPED.db());
                ps.setString(2, message);
                ps.setObject(3, Database.ts(now));
                ps.setLong(4, id);
                ps.executeUpdate();
            }
        });
    }

    public void rename(long id, String newName, String displayName, Map<String, Object> userOptions) {
        db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE servers SET name = ?, display_name = ?, user_options = ? WHERE id = ?")) {
                ps.setString(1, newName);
                ps.setString(2, displayName);
                ps.setString(3, userOptions == null ? null : Json.write(userOptions));
                ps.setLong(4, id);
                ps.executeUpdate();
            }
        });
        reloadNamedServers();
    }

    public void delete(long id) {
        db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM servers WHERE id = ?")) {
                ps.setLong(1, id);
                ps.executeUpdate();
            }
        });
        reloadNamedServers();
    }

    public void touch(long id, Instant when) {
        db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE servers SET last_activity = ? WHERE id = ? "
                    + "AND (last_activity IS NULL OR last_activity < ?)")) {
                ps.setObject(1, Database.ts(when));
                ps.setLong(2, id);
                ps.setObject(3, Database.ts(when));
                ps.executeUpdate();
            }
        });
    }

    public List<ServerRow> inState(ServerState... states) {
        String in = java.util.Arrays.stream(states).map(s -> "'" + s.db() + "'").collect(Collectors.joining(","));
        return db.tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + FROM + "WHERE s.state IN (" + in + ") ORDER BY s.id")) {
                return all(ps);
            }
        });
    }

    public int countNamed(long userId) {
        return db.tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM servers WHERE user_id = ? AND name <> ''")) {
                ps.setLong(1, userId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    /** Servers of a user that are starting or running: what the user's server quota counts. */
    public int countActive(long userId) {
        return db.tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM servers WHERE user_id = ? AND state IN (?, ?)")) {
                ps.setLong(1, userId);
                ps.setString(2, ServerState.PENDING_SPAWN.db());
                ps.setString(3, ServerState.READY.db());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    public Map<ServerState, Long> countByState() {
        return db.tx(c -> {
            Map<ServerState, Long> counts = new EnumMap<>(ServerState.class);
            for (ServerState s : ServerState.values()) {
                counts.put(s, 0L);
            }
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT state, count(*) FROM servers GROUP BY state")) {
                while (rs.next()) {
                    counts.put(ServerState.fromDb(rs.getString(1)), rs.getLong(2));
                }
            }
            return counts;
        });
    }

    /** Servers of many users in one query (the users list must not do one query per user). */
    public static Map<Long, List<ServerRow>> forUsers(Connection c, Collection<Long> userIds, boolean includeStopped)
            throws SQLException {
        Map<Long, List<ServerRow>> byUser = new HashMap<>();
        if (userIds.isEmpty()) {
            return byUser;
        }
        String in = userIds.stream().map(String::valueOf).collect(Collectors.joining(","));
        String sql = "SELECT " + COLUMNS + FROM + "WHERE s.user_id IN (" + in + ")"
                + (includeStopped ? "" : " AND s.state <> 'stopped'") + " ORDER BY s.name";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (ServerRow row : all(ps)) {
                byUser.computeIfAbsent(row.userId(), k -> new ArrayList<>()).add(row);
            }
        }
        return byUser;
    }

    private long idOf(long userId, String server) {
        return db.tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM servers WHERE user_id = ? AND name = ?")) {
                ps.setLong(1, userId);
                ps.setString(2, server);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    private static Optional<ServerRow> one(PreparedStatement ps) throws SQLException {
        List<ServerRow> rows = all(ps);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
    }

    private static List<ServerRow> all(PreparedStatement ps) throws SQLException {
        List<ServerRow> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(map(rs));
            }
        }
        return rows;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static ServerRow map(ResultSet rs) throws SQLException {
        String upstream = rs.getString("upstream");
        long apiToken = rs.getLong("api_token_id");
        Long apiTokenId = rs.wasNull() ? null : apiToken;
        return new ServerRow(rs.getLong("id"), rs.getLong("user_id"), rs.getString("user_name"), rs.getString("name"),
                rs.getString("display_name"), ServerState.fromDb(rs.getString("state")),
                upstream == null ? null : URI.create(upstream),
                (Map) Json.readMap(rs.getString("spawner_state")),
                Json.readMap(rs.getString("user_options")),
                rs.getString("server_token"), apiTokenId, rs.getString("message"),
                instant(rs, "started"), instant(rs, "stopped"), instant(rs, "last_activity"));
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static void setLong(PreparedStatement ps, int index, Long value) throws SQLException {
        if (value == null) {
            ps.setNull(index, java.sql.Types.BIGINT);
        } else {
            ps.setLong(index, value);
        }
    }
}
