package io.meridian.hub.inference;

import io.meridian.hub.db.Database;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Which inference service belongs to whom, and where it runs. */
final class InferenceStore {
    private final Database db;

    InferenceStore(Database db) {
        this.db = db;
    }

    /** False when the owner already has a service of that name. */
    boolean insert(InferenceService s) {
        return db.tx(c -> {
            try (PreparedStatement check = c.prepareStatement(
                    "SELECT 1 FROM inference_services WHERE owner = ? AND name = ?")) {
                check.setString(1, s.owner());
                check.setString(2, s.name());
                try (ResultSet r = check.executeQuery()) {
                    if (r.next()) {
                        return false;
                    }
                }
            }
            try (PreparedStatement st = c.prepareStatement("INSERT INTO inference_services (id, owner, name, backend,"
                    + " deployment_id, remote_name, image, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                st.setString(1, s.id());
                st.setString(2, s.owner());
                st.setString(3, s.name());
                st.setString(4, s.backend());
                st.setString(5, s.deploymentId());
                st.setString(6, s.remoteName());
                st.setString(7, s.image());
                st.setObject(8, Database.ts(s.createdAt()));
                st.executeUpdate();
            }
            return true;
        });
    }

    void setDeployment(String id, String deploymentId) {
        db.run(c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE inference_services SET deployment_id = ? WHERE id = ?")) {
                s.setString(1, deploymentId);
                s.setString(2, id);
                s.executeUpdate();
            }
        });
    }

    void delete(String id) {
        db.run(c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM inference_services WHERE id = ?")) {
                s.setString(1, id);
                s.executeUpdate();
            }
        });
    }

    Optional<InferenceService> find(String owner, String name) {
        return query("WHERE owner = ? AND name = ?", owner, name).stream().findFirst();
    }

    List<InferenceService> byOwner(String owner) {
        return query("WHERE owner = ? ORDER BY created", owner);
    }

    private List<InferenceService> query(String where, String... params) {
        return db.tx(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT id, owner, name, backend, deployment_id, remote_name,"
                    + " image, created FROM inference_services " + where)) {
                for (int i = 0; i < params.length; i++) {
                    s.setString(i + 1, params[i]);
                }
                List<InferenceService> out = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        out.add(new InferenceService(r.getString("id"), r.getString("name"), r.getString("owner"),
                                r.getString("backend"), r.getString("image"), r.getString("remote_name"), null,
                                r.getString("deployment_id"), r.getObject("created", OffsetDateTime.class).toInstant()));
                    }
                }
                return out;
            }
        });
    }
}
