package io.meridian.hub.auth;

import io.meridian.hub.db.Database;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** API tokens, stored as SHA-256 digests of 256-bit random secrets. */
public final class TokenStore {
    private static final String COLUMNS = "t.id, t.user_id, u.name AS user_name, u.admin AS user_admin, t.scopes, "
            + "t.note, t.created, t.expires_at, t.last_activity";
    private static final Duration ACTIVITY_GRANULARITY = Duration.ofMinutes(1);

    private final Database db;

    public TokenStore(Database db) {
        this.db = db;
    }

    /** A token and its secret, which is shown once. */
    public record Issued(Token token, String secret) {
    }

    public Issued issue(long userId, List<String> scopes, String note, Duration expiresIn) {
        return register(userId, Secrets.newSecret(), scopes, note, expiresIn);
    }

    /** Registers a secret chosen elsewhere (MERIDIAN_ADMIN_TOKEN); an existing registration is replaced. */
    public Issued register(long userId, String secret, List<String> scopes, String note, Duration expiresIn) {
        String hash = Secrets.sha256(secret);
        Instant now = Instant.now();
        long id = db.tx(c -> {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM tokens WHERE hash = ?")) {
                del.setString(1, hash);
                del.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO tokens (user_id, hash, prefix, scopes, note, created, "
                    + "expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                ps.setLong(1, userId);
                ps.setString(2, hash);
                ps.setString(3, secret.substring(0, Math.min(4, secret.length())));
                ps.setString(4, String.join(" ", scopes));
                ps.setString(5, note);
                ps.setObject(6, Database.ts(now));
                ps.setObject(7, expiresIn == null ? null : Database.ts(now.plus(expiresIn)));
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    return keys.getLong(1);
                }
            }
        });
        return new Issued(byId(id).orElseThrow(), secret);
    }

    /** The token for a presented secret, if it exists and has not expired; records its use. */
    public Optional<Owned> authenticate(String secret) {
        Optional<Owned> found = db.tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = ?")) {
                ps.setString(1, Secrets.sha256(secret));
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new Owned(map(rs), rs.getBoolean("user_admin"))) : Optional.empty();
                }
            }
        });
        Instant now = Instant.now();
        if (found.isEmpty() || (found.get().token().expiresAt() != null && found.get().token().expiresAt().isBefore(now))) {
            return Optional.empty();
        }
        Token token = found.get().token();
        if (token.lastActivity() == null || token.lastActivity().isBefore(now.minus(ACTIVITY_GRANULARITY))) {
            db.run(c -> {
                try (PreparedStatement ps = c.prepareStatement("UPDATE tokens SET last_activity = ? WHERE id = ?")) {
                    ps.setObject(1, Database.ts(now));
                    ps.setLong(2, token.id());
                    ps.executeUpdate();
                }
            });
        }
        return found;
    }

    /** A token and whether its owner is an admin (their permissions bound the token's). */
    public record Owned(Token token, boolean ownerAdmin) {
    }

    public List<Token> ofUser(long userId) {
        return db.tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.user_id = ? ORDER BY t.id")) {
                ps.setLong(1, userId);
                List<Token> tokens = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        tokens.add(map(rs));
                    }
                }
                return tokens;
            }
        });
    }

    public Optional<Token> byId(long id) {
        return db.tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(map(rs)) : Optional.empty();
                }
            }
        });
    }

    public void revoke(long id) {
        db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM tokens WHERE id = ?")) {
                ps.setLong(1, id);
                ps.executeUpdate();
            }
        });
    }

    private static Token map(ResultSet rs) throws SQLException {
        return new Token(rs.getLong("id"), rs.getLong("user_id"), rs.getString("user_name"),
                Arrays.stream(rs.getString("scopes").split(" ")).filter(s -> !s.isEmpty()).toList(),
                rs.getString("note"), instant(rs, "created"), instant(rs, "expires_at"), instant(rs, "last_activity"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
