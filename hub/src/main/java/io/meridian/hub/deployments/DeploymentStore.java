package io.meridian.hub.deployments;

import io.meridian.hub.catalog.Resources;
import io.meridian.hub.db.Database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Deployments in the hub's database, so they survive a hub restart. */
final class DeploymentStore {
    private static final String COLUMNS = "id, owner, purpose, module, image, port, cpu, memory_mb, gpu, gpu_ids, state,"
            + " message, created, container_id, upstream";

    private final Database db;

    DeploymentStore(Database db) {
        this.db = db;
    }

    void insert(Deployment d) {
        db.run(c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO deployments (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                s.setString(1, d.id());
                s.setString(2, d.owner());
                s.setString(3, d.purpose());
                s.setString(4, d.module());
                s.setString(5, d.image());
                s.setInt(6, d.port());
                s.setInt(7, d.resources().cpu());
                s.setLong(8, d.resources().memoryMb());
                s.setInt(9, d.resources().gpu());
                s.setString(10, String.join(",", d.gpus()));
                s.setString(11, d.state());
                s.setString(12, d.message());
                s.setObject(13, Database.ts(d.createdAt()));
                s.setString(14, d.containerId());
                s.setString(15, d.upstream());
                s.executeUpdate();
            }
        });
    }

    void update(String id, String state, String message, String containerId, String upstream) {
        db.run(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE deployments SET state = ?, message = ?, container_id = ?, upstream = ? WHERE id = ?")) {
                s.setString(1, state);
                s.setString(2, truncate(message));
                s.setString(3, containerId);
                s.setString(4, upstream);
                s.setString(5, id);
                s.executeUpdate();
            }
        });
    }

    void delete(String id) {
        db.run(c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM deployments WHERE id = ?")) {
                s.setString(1, id);
                s.executeUpdate();
            }
        });
    }

    Optional<Deployment> find(String id) {
        return query("WHERE id = ?", id).stream().findFirst();
    }

    List<Deployment> byOwner(String owner) {
        return query("WHERE owner = ? ORDER BY created", owner);
    }

    List<Deployment> all() {
        return query("ORDER BY created");
    }

    private List<Deployment> query(String where, String... params) {
        return db.tx(c -> select(c, where, params));
    }

    private static List<Deployment> select(Connection c, String where, String... params) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM deployments " + where)) {
            for (int i = 0; i < params.length; i++) {
                s.setString(i + 1, params[i]);
            }
            List<Deployment> out = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    String gpuIds = r.getString("gpu_ids");
                    out.add(new Deployment(r.getString("id"), r.getString("owner"), r.getString("purpose"),
                            r.getString("module"), r.getString("image"), r.getInt("port"),
                            new Resources(r.getInt("cpu"), r.getLong("memory_mb"), r.getInt("gpu")),
                            gpuIds.isEmpty() ? List.of() : Arrays.asList(gpuIds.split(",")),
                            r.getString("state"), r.getString("message"),
                            r.getObject("created", OffsetDateTime.class).toInstant(),
                            r.getString("container_id"), r.getString("upstream")));
                }
            }
            return out;
        }
    }

    private static String truncate(String message) {
        return message == null || message.length() <= 2000 ? message : message.substring(0, 1997) + "...";
    }
}
