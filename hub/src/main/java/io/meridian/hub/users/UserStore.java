package io.meridian.hub.users;

import io.meridian.hub.db.Database;
import io.meridian.hub.servers.ServerRow;
import io.meridian.hub.servers.ServerStore;
import io.meridian.hub.web.ApiException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** Accounts in the database. Listing is paginated and filtered in SQL with a fixed number of queries per page. */
public final class UserStore {
    private static final String COLUMNS = "u.id, u.name, u.admin, u.created, u.last_activity";

    private final Database db;

    public UserStore(Database db) {
        this.db = db;
    }

    public Optional<User> find(String name) {
        return db.tx(c -> find(c, name));
    }

    public User require(String name) {
        return find(name).orElseThrow(() -> ApiException.notFound("no such user: " + name));
    }

    /** Creates users that do not exist yet, all or nothing; answers 409 if any exists. */
    public List<User> create(Collection<String> names, boolean admin) {
        return db.tx(c -> {
            List<User> created = new ArrayList<>();
            for (String name : names) {
                if (find(c, name).isPresent()) {
                    throw ApiException.conflict("user " + name + " already exists");
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO users (name, admin, created) VALUES (?, ?, ?)")) {
                    ps.setString(1, name);
                    ps.setBoolean(2, admin);
                    ps.setObject(3, Database.ts(Instant.now()));
                    ps.executeUpdate();
                }
                created.add(find(c, name).orElseThrow());
            }
            return created;
        });
    }

    public User update(String name, String newName, Boolean admin) {
        return db.tx(c -> {
            User user = find(c, name).orElseThrow(() -> ApiException.notFound("no such user: " + name));
            if (newName != null && !newName.equals(name) && find(c, newName).isPresent()) {
                throw ApiException.conflict("user " + newName + " already exists");
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE users SET name = ?, admin = ? WHERE id = ?")) {
                ps.setString(1, newName == null ? name : newName);
                ps.setBoolean(2, admin == null ? user.admin() : admin);
                ps.setLong(3, user.id());
                ps.executeUpdate();
            }
            return find(c, newName == null ? name : newName).orElseThrow();
        });
    }

    public void delete(long id) {
        db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM users WHERE id = ?")) {
                ps.setLong(1, id);
                ps.executeUpdate();
            }
        });
    }

    /** Sets the bcrypt hash for a local login, creating the user if needed. */
    public User setPassword(String name, String hash, boolean admin) {
        return db.tx(c -> {
            if (find(c, name).isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO users (name, admin, created) VALUES (?, ?, ?)")) {
                    ps.setString(1, name);
                    ps.setBoolean(2, admin);
                    ps.setObject(3, Database.ts(Instant.now()));
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE users SET password_hash = ?, admin = (admin OR ?) WHERE name = ?")) {
                ps.setString(1, hash);
                ps.setBoolean(2, admin);
                ps.setString(3, name);
                ps.executeUpdate();
            }
            return find(c, name).orElseThrow();
        });
    }

    public Optional<String> passwordHash(String name) {
        return db.tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT password_hash FROM users WHERE name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
                }
            }
        });
    }

    public void touch(long id, Instant when) {
        db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE users SET last_activity = ? WHERE id = ? "
                    + "AND (last_activity IS NULL OR last_activity < ?)")) {
                ps.setObject(1, Database.ts(when));
                ps.setLong(2, id);
                ps.setObject(3, Database.ts(when));
                ps.executeUpdate();
            }
        });
    }

    /** Group names of one user. */
    public List<String> groupsOf(long userId) {
        return db.tx(c -> groupsOf(c, List.of(userId)).getOrDefault(userId, List.of()));
    }

    /** A user with their groups and servers, the material of JupyterHub's user model. */
    public record UserDetail(User user, List<String> groups, List<ServerRow> servers) {
    }

    public UserDetail detail(User user, boolean includeStopped) {
        return db.tx(c -> new UserDetail(user, groupsOf(c, List.of(user.id())).getOrDefault(user.id(), List.of()),
                ServerStore.forUsers(c, List.of(user.id()), includeStopped).getOrDefault(user.id(), List.of())));
    }

    /**
     * A page of the users list.
     *
     * @param state      null, active, ready or inactive
     * @param nameFilter substring of the name, or null
     * @param sort       id, name or last_activity, '-' for descending
     * @param onlyNames  when not null, restrict to these names (for callers allowed to see only some users)
     */
    public record ListQuery(String state, String nameFilter, String sort, int offset, int limit,
                            boolean includeStopped, Collection<String> onlyNames) {
    }

    public record Page(List<UserDetail> items, long total) {
    }

    public Page list(ListQuery q) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (q.state() != null) {
            String active = "EXISTS (SELECT 1 FROM servers s WHERE s.user_id = u.id AND s.state <> 'stopped')";
            where.append(switch (q.state()) {
                case "active" -> " AND " + active;
                case "ready" -> " AND EXISTS (SELECT 1 FROM servers s WHERE s.user_id = u.id AND s.state = 'ready')";
                case "inactive" -> " AND NOT " + active;
                default -> throw ApiException.badRequest("state must be active, ready or inactive");
            });
        }
        if (q.nameFilter() != null) {
            where.append(" AND u.name LIKE ? ESCAPE '\\'");
            args.add("%" + q.nameFilter().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
        }
        if (q.onlyNames() != null) {
            if (q.onlyNames().isEmpty()) {
                return new Page(List.of(), 0);
            }
            where.append(" AND u.name IN (").append(q.onlyNames().stream().map(n -> "?").collect(Collectors.joining(","))).append(")");
            args.addAll(q.onlyNames());
        }
        String order = switch (q.sort() == null ? "id" : q.sort()) {
            case "id" -> "u.id";
            case "-id" -> "u.id DESC";
            case "name" -> "u.name";
            case "-name" -> "u.name DESC";
            case "last_activity" -> "u.last_activity ASC NULLS FIRST, u.id";
            case "-last_activity" -> "u.last_activity DESC NULLS LAST, u.id";
            default -> throw ApiException.badRequest("sort must be id, name or last_activity (optionally with '-')");
        };
        return db.tx(c -> {
            long total;
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM users u" + where)) {
                bind(ps, args);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    total = rs.getLong(1);
                }
            }
            List<User> users = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM users u" + where
                    + " ORDER BY " + order + " LIMIT ? OFFSET ?")) {
                bind(ps, args);
                ps.setInt(args.size() + 1, q.limit());
                ps.setInt(args.size() + 2, q.offset());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        users.add(map(rs));
                    }
                }
            }
            List<Long> ids = users.stream().map(User::id).toList();
            Map<Long, List<String>> groups = groupsOf(c, ids);
            Map<Long, List<ServerRow>> servers = ServerStore.forUsers(c, ids, q.includeStopped());
            List<UserDetail> items = users.stream().map(u -> new UserDetail(u, groups.getOrDefault(u.id(), List.of()),
                    servers.getOrDefault(u.id(), List.of()))).toList();
            return new Page(items, total);
        });
    }

    private static Map<Long, List<String>> groupsOf(Connection c, Collection<Long> userIds) throws SQLException {
        Map<Long, List<String>> byUser = new HashMap<>();
        if (userIds.isEmpty()) {
            return byUser;
        }
        String in = userIds.stream().map(String::valueOf).collect(Collectors.joining(","));
        try (PreparedStatement ps = c.prepareStatement("SELECT gm.user_id, g.name FROM group_members gm "
                + "JOIN user_groups g ON g.id = gm.group_id WHERE gm.user_id IN (" + in + ") ORDER BY g.name")) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byUser.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(rs.getString(2));
                }
            }
        }
        return byUser;
    }

    private static Optional<User> find(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM users u WHERE u.name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        }
    }

    private static void bind(PreparedStatement ps, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            ps.setObject(i + 1, args.get(i));
        }
    }

    private static User map(ResultSet rs) throws SQLException {
        OffsetDateTime created = rs.getObject("created", OffsetDateTime.class);
        OffsetDateTime last = rs.getObject("last_activity", OffsetDateTime.class);
        return new User(rs.getLong("id"), rs.getString("name"), rs.getBoolean("admin"), created.toInstant(),
                last == null ? null : last.toInstant());
    }
}
