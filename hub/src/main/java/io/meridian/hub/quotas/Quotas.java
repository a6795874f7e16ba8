package io.meridian.hub.quotas;

import io.meridian.hub.db.Database;
import io.meridian.hub.users.User;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Types;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every user's quota: the configured default, with whatever an admin set for that user on top. Overrides live
 * in the database (table {@code user_quotas}), so they survive restarts and every hub service reads the same.
 */
public final class Quotas {
    /** How the table stores "no limit" (NULL there means "the default"). */
    private static final long NO_LIMIT = -1;

    private final Database db;
    private final Quota defaults;

    public Quotas(Database db, Quota defaults) {
        this.db = db;
        this.defaults = defaults;
    }

    public Quota defaults() {
        return defaults;
    }

    /** The quota that applies to {@code user} now. */
    public Quota of(String user) {
        Map<String, Long> set = overrides(user);
        return new Quota(pick(set, "storage_bytes", defaults.storageBytes()),
                integer(pick(set, "servers", widen(defaults.servers()))),
                integer(pick(set, "deployments", widen(defaults.deployments()))),
                integer(pick(set, "cpu", widen(defaults.cpu()))),
                pick(set, "memory_mb", defaults.memoryMb()),
                integer(pick(set, "gpus", widen(defaults.gpus()))));
    }

    /** The limits an admin set for {@code user}, by field name; a null value is "no limit". Empty: defaults only. */
    public Map<String, Long> overrides(String user) {
        return db.tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT q.* FROM user_quotas q JOIN users u ON u.id = q.user_id"
                    + " WHERE u.name = ?")) {
                ps.setString(1, user);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Map.of();
                    }
                    Map<String, Long> set = new LinkedHashMap<>();
                    for (String field : Quota.FIELDS) {
                        long value = rs.getLong(field);
                        if (!rs.wasNull()) {
                            set.put(field, value == NO_LIMIT ? null : value);
                        }
                    }
                    return Collections.unmodifiableMap(set);
                }
            }
        });
    }

    /**
     * Replaces what an admin set for {@code user}: fields absent from {@code limits} fall back to the default,
     * null values mean no limit. An empty map removes the override altogether.
     */
    public void set(User user, Map<String, Long> limits, String admin, Instant when) {
        db.run(c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM user_quotas WHERE user_id = ?")) {
                delete.setLong(1, user.id());
                delete.executeUpdate();
            }
            if (limits.isEmpty()) {
                return;
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO user_quotas (user_id, storage_bytes, servers,"
                    + " deployments, cpu, memory_mb, gpus, updated, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setLong(1, user.id());
                int i = 2;
                for (String field : Quota.FIELDS) {
                    if (!limits.containsKey(field)) {
                        ps.setNull(i++, Types.BIGINT);
                    } else {
                        Long value = limits.get(field);
                        ps.setLong(i++, value == null ? NO_LIMIT : value);
                    }
                }
                ps.setObject(i++, Database.ts(when));
                ps.setString(i, admin);
                ps.executeUpdate();
            }
        });
    }

    private static Long pick(Map<String, Long> set, String field, Long fallback) {
        return set.containsKey(field) ? set.get(field) : fallback;
    }

    private static Long widen(Integer value) {
        return value == null ? null : value.longValue();
    }

    private static Integer integer(Long value) {
        return value == null ? null : (int) Math.min(Integer.MAX_VALUE, value);
    }
}
