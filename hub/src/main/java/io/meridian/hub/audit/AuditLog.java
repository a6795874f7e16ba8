package io.meridian.hub.audit;

import io.meridian.hub.db.Database;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The admins' audit trail, kept in the hub's database. */
public final class AuditLog {
    private final Database db;

    public AuditLog(Database db) {
        this.db = db;
    }

    /**
     * One action.
     *
     * @param via {@code token} or {@code session}
     */
    public record Entry(long id, Instant at, String actor, String method, String path, int status, String via) {
    }

    public void record(Instant at, String actor, String method, String path, int status, String via) {
        db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO audit_log (at, actor, method, path, status, via) VALUES (?, ?, ?, ?, ?, ?)")) {
                ps.setObject(1, Database.ts(at));
                ps.setString(2, actor);
                ps.setString(3, method);
                ps.setString(4, path.length() > 500 ? path.substring(0, 500) : path);
                ps.setInt(5, status);
                ps.setString(6, via);
                ps.executeUpdate();
            }
        });
    }

    /** Newest first. */
    public List<Entry> list(Optional<String> actor, int offset, int limit) {
        return db.tx(c -> {
            String sql = "SELECT id, at, actor, method, path, status, via FROM audit_log"
                    + (actor.isPresent() ? " WHERE actor = ?" : "") + " ORDER BY id DESC LIMIT ? OFFSET ?";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                if (actor.isPresent()) {
                    ps.setString(i++, actor.get());
                }
                ps.setInt(i++, limit);
                ps.setInt(i, offset);
                List<Entry> entries = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        entries.add(entry(rs));
                    }
                }
                return entries;
            }
        });
    }

    private static Entry entry(ResultSet rs) throws SQLException {
        return new Entry(rs.getLong("id"), rs.getObject("at", OffsetDateTime.class).toInstant(), rs.getString("actor"),
                rs.getString("method"), rs.getString("path"), rs.getInt("status"), rs.getString("via"));
    }
}
