package io.meridian.hub.trainings;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.hub.db.Database;
import io.meridian.hub.web.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Trainings in the hub's database: the last state the poller saw survives a hub restart. */
final class TrainingStore {
    private static final TypeReference<Map<String, Object>> ARGS = new TypeReference<>() {
    };
    private static final TypeReference<Map<String, Double>> METRICS = new TypeReference<>() {
    };
    private static final String COLUMNS = "id, owner, deployment_id, model, remote_uuid, args, status, progress, metrics,"
            + " result, message, created, finished";

    private final Database db;

    TrainingStore(Database db) {
        this.db = db;
    }

    void insert(TrainingRecord t) {
        db.run(c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO trainings (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                s.setString(1, t.id());
                s.setString(2, t.owner());
                s.setString(3, t.deployment());
                s.setString(4, t.model());
                s.setString(5, t.remoteUuid());
                s.setString(6, Json.write(t.args()));
                s.setString(7, t.status());
                setDouble(s, 8, t.progress());
                s.setString(9, t.metrics() == null ? null : Json.write(t.metrics()));
                s.setString(10, t.result() == null ? null : Json.write(t.result()));
                s.setString(11, t.message());
                s.setObject(12, Database.ts(t.createdAt()));
                s.setObject(13, Database.ts(t.finishedAt()));
                s.executeUpdate();
            }
        });
    }

    /** Records a poll; a finished training is never changed again (a late poll must not undo a cancel). */
    void update(String id, String status, Double progress, Map<String, Double> metrics, JsonNode result, String message) {
        db.run(c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE trainings SET status = ?, progress = ?, metrics = ?,"
                    + " result = ?, message = ?, finished = ? WHERE id = ? AND status = 'running'")) {
                s.setString(1, status);
                setDouble(s, 2, progress);
                s.setString(3, metrics == null ? null : Json.write(metrics));
                s.setString(4, result == null ? null : Json.write(result));
                s.setString(5, message == null || message.length() <= 4000 ? message : message.substring(0, 3997) + "...");
                s.setObject(6, TrainingRecord.RUNNING.equals(status) ? null : Database.ts(Instant.now()));
                s.setString(7, id);
                s.executeUpdate();
            }
        });
    }

    Optional<TrainingRecord> find(String id) {
        return query("WHERE id = ?", id).stream().findFirst();
    }

    List<TrainingRecord> byOwner(String owner) {
        return query("WHERE owner = ? ORDER BY created", owner);
    }

    List<TrainingRecord> running() {
        return query("WHERE status = ?", TrainingRecord.RUNNING);
    }

    private List<TrainingRecord> query(String where, String param) {
        return db.tx(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM trainings " + where)) {
                s.setString(1, param);
                List<TrainingRecord> out = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        double progressValue = r.getDouble("progress");
                        Double progress = r.wasNull() ? null : progressValue;
                        OffsetDateTime finished = r.getObject("finished", OffsetDateTime.class);
                        out.add(new TrainingRecord(r.getString("id"), r.getString("owner"), r.getString("deployment_id"),
                                r.getString("model"), r.getString("remote_uuid"), read(r.getString("args"), ARGS),
                                r.getString("status"), progress,
                                read(r.getString("metrics"), METRICS), tree(r.getString("result")), r.getString("message"),
                                r.getObject("created", OffsetDateTime.class).toInstant(),
                                finished == null ? null : finished.toInstant()));
                    }
                }
                return out;
            }
        });
    }

    private static void setDouble(PreparedStatement s, int index, Double value) throws java.sql.SQLException {
        if (value == null) {
            s.setNull(index, Types.DOUBLE);
        } else {
            s.setDouble(index, value);
        }
    }

    private static <T> T read(String json, TypeReference<T> type) {
        try {
            return json == null ? null : Json.MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode tree(String json) {
        try {
            return json == null ? null : Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
