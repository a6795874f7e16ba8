package io.meridian.hub.groups;

import io.meridian.hub.db.Database;
import io.meridian.hub.web.ApiException;
import io.meridian.hub.web.Json;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Groups, their members and free-form properties (stored as JSON). */
public final class GroupStore {
    private final Database db;

    public GroupStore(Database db) {
        this.db = db;
    }

    /** A group with its members' names. */
    public record Group(long id, String name, List<String> users, Map<String, Object> properties) {
    }

    public Optional<Group> find(String name) {
        return db.tx(c -> find(c, name));
    }

    public Group require(String name) {
        return find(name).orElseThrow(() -> ApiException.notFound("no such group: " + name));
    }

    public List<Group> list(int offset, int limit) {
        return db.tx(c -> {
            List<Group> groups = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id, name, properties FROM user_groups ORDER BY id LIMIT ? OFFSET ?")) {
                ps.setInt(1, limit);
                ps.setInt(2, offset);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        groups.add(new Group(rs.getLong(1), rs.getString(2), new ArrayList<>(), Json.readMap(rs.getString(3))));
                    }
                }
            }
            Map<Long, List<String>> members = members(c, groups.stream().map(Group::id).toList());
            return groups.stream().map(g -> new Group(g.id(), g.name(), members.getOrDefault(g.id(), List.of()), g.properties())).toList();
        });
    }

    public long count() {
        return db.tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM user_groups");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /** Creates a group with initial members (all must exist); 409 if it exists. */
    public Group create(String name, Collection<String> users) {
        return db.tx(c -> {
            if (find(c, name).isPresent()) {
                throw ApiException.conflict("group " + name + " already exists");
            }
            List<Long> ids = userIds(c, users);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO user_groups (name, properties) VALUES (?, '{}')")) {
                ps.setString(1, name);
                ps.executeUpdate();
            }
            long groupId = find(c, name).orElseThrow().id();
            addMembers(c, groupId, ids);
            return find(c, name).orElseThrow();
        });
    }

    public void delete(String name) {
        db.run(c -> {
            Group group = find(c, name).orElseThrow(() -> ApiException.notFound("no such group: " + name));
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM user_groups WHERE id = ?")) {
                ps.setLong(1, group.id());
                ps.executeUpdate();
            }
        });
    }

    public Group addUsers(String name, Collection<String> users) {
        return db.tx(c -> {
            Group group = find(c, name).orElseThrow(() -> ApiException.notFound("no such group: " + name));
            List<Long> ids = userIds(c, users);
            ids.removeIf(id -> isMember(c, group.id(), id));
            addMembers(c, group.id(), ids);
            return find(c, name).orElseThrow();
        });
    }

    public Group removeUsers(String name, Collection<String> users) {
        return db.tx(c -> {
            Group group = find(c, name).orElseThrow(() -> ApiException.notFound("no such group: " + name));
            for (long id : userIds(c, users)) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM group_members WHERE group_id = ? AND user_id = ?")) {
                    ps.setLong(1, group.id());
                    ps.setLong(2, id);
                    ps.executeUpdate();
                }
            }
            return find(c, name).orElseThrow();
        });
    }

    public Group setProperties(String name, Map<String, Object> properties) {
        return db.tx(c -> {
            Group group = find(c, name).orElseThrow(() -> ApiException.notFound("no such group: " + name));
            try (PreparedStatement ps = c.prepareStatement("UPDATE user_groups SET properties = ? WHERE id = ?")) {
                ps.setString(1, Json.write(properties));
                ps.setLong(2, group.id());
                ps.executeUpdate();
            }
            return find(c, name).orElseThrow();
        });
    }

    private static boolean isMember(Connection c, long groupId, long userId) {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM group_members WHERE group_id = ? AND user_id = ?")) {
            ps.setLong(1, groupId);
            ps.setLong(2, userId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new Database.DatabaseException(e);
        }
    }

    private static void addMembers(Connection c, long groupId, List<Long> userIds) throws SQLException {
        for (long id : userIds) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO group_members (group_id, user_id) VALUES (?, ?)")) {
                ps.setLong(1, groupId);
                ps.setLong(2, id);
                ps.executeUpdate();
            }
        }
    }

    // Every named user must exist: a bad name changes nothing.
    private static List<Long> userIds(Connection c, Collection<String> users) throws SQLException {
        List<Long> ids = new ArrayList<>();
        for (String user : users.stream().distinct().toList()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM users WHERE name = ?")) {
                ps.setString(1, user);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw ApiException.badRequest("no such user: " + user);
                    }
                    ids.add(rs.getLong(1));
                }
            }
        }
        return ids;
    }

    private static Optional<Group> find(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, name, properties FROM user_groups WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                long id = rs.getLong(1);
                return Optional.of(new Group(id, rs.getString(2), members(c, List.of(id)).getOrDefault(id, List.of()),
                        Json.readMap(rs.getString(3))));
            }
        }
    }

    private static Map<Long, List<String>> members(Connection c, List<Long> groupIds) throws SQLException {
        Map<Long, List<String>> members = new HashMap<>();
        if (groupIds.isEmpty()) {
            return members;
        }
        String in = String.join(",", groupIds.stream().map(String::valueOf).toList());
        try (PreparedStatement ps = c.prepareStatement("SELECT gm.group_id, u.name FROM group_members gm JOIN users u "
                + "ON u.id = gm.user_id WHERE gm.group_id IN (" + in + ") ORDER BY u.name")) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    members.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(rs.getString(2));
                }
            }
        }
        return members;
    }
}
