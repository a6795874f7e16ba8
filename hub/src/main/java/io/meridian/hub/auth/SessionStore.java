package io.meridian.hub.auth;

import io.meridian.hub.db.Database;
import io.meridian.hub.users.User;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;

/** Browser sessions: the cookie carries a random id, the database only its SHA-256 and the session's XSRF token. */
public final class SessionStore {
    private static final Duration LIFETIME = Duration.ofDays(14);

    private final Database db;

    public SessionStore(Database db) {
        this.db = db;
    }

    /** A session's cookie value (shown once, to the browser) and its XSRF token. */
    public record Session(String cookieValue, String xsrf, User user) {
    }

    public Session open(User user) {
        String id = Secrets.newSecret();
        String xsrf = Secrets.newSecret();
        Instant now = Instant.now();
        db.run(c -> {
            // Expired sessions are swept whenever a new one opens.
            try (PreparedStatement sweep = c.prepareStatement("DELETE FROM sessions WHERE expires_at < ?")) {
                sweep.setObject(1, Database.ts(now));
                sweep.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO sessions (hash, user_id, xsrf, created, expires_at) VALUES (?, ?, ?, ?, ?)")) {
                ps.setString(1, Secrets.sha256(id));
                ps.setLong(2, user.id());
                ps.setString(3, xsrf);
                ps.setObject(4, Database.ts(now));
                ps.setObject(5, Database.ts(now.plus(LIFETIME)));
                ps.executeUpdate();
            }
        });
        return new Session(id, xsrf, user);
    }

    public Optional<Session> find(String cookieValue) {
        return db.tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT s.xsrf, s.expires_at, u.id, u.name, u.admin, u.created, "
                    + "u.last_activity FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.hash = ?")) {
                ps.setString(1, Secrets.sha256(cookieValue));
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next() || rs.getObject("expires_at", OffsetDateTime.class).toInstant().isBefore(Instant.now())) {
                        return Optional.empty();
                    }
                    OffsetDateTime last = rs.getObject("last_activity", OffsetDateTime.class);
                    User user = new User(rs.getLong("id"), rs.getString("name"), rs.getBoolean("admin"),
                            rs.getObject("created", OffsetDateTime.class).toInstant(), last == null ? null : last.toInstant());
                    return Optional.of(new Session(cookieValue, rs.getString("xsrf"), user));
                }
            }
        });
    }

    public void close(String cookieValue) {
        db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM sessions WHERE hash = ?")) {
                ps.setString(1, Secrets.sha256(cookieValue));
                ps.executeUpdate();
            }
        });
    }
}
