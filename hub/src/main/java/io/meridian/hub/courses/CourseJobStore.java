package io.meridian.hub.courses;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.meridian.hub.db.Database;
import io.meridian.hub.web.Json;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Course jobs in the hub's database: written as they change, read back by a restarted hub. */
public final class CourseJobStore {
    private static final String COLUMNS = "j.id, c.name, j.action, j.requested_by, j.started, j.finished, j.cancelled, j.students";
    private static final TypeReference<LinkedHashMap<String, CourseJob.StudentState>> STUDENTS = new TypeReference<>() {
    };

    private final Database db;

    public CourseJobStore(Database db) {
        this.db = db;
    }

    void insert(CourseJob job, long courseId) {
        db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO course_jobs (id, course_id, action, requested_by, "
                    + "started, finished, cancelled, students) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, job.id());
                ps.setLong(2, courseId);
                ps.setString(3, job.action());
                ps.setString(4, job.requestedBy());
                ps.setObject(5, Database.ts(job.started()));
                ps.setObject(6, job.finished() == null ? null : Database.ts(job.finished()));
                ps.setBoolean(7, job.cancelled());
                ps.setString(8, json(job.students()));
                ps.executeUpdate();
            }
        });
    }

    /** Writes the job's current state; callers hold the job's lock so that a later state is never overwritten. */
    void save(CourseJob job) {
        db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE course_jobs SET finished = ?, cancelled = ?, students = ? WHERE id = ?")) {
                ps.setObject(1, job.finished() == null ? null : Database.ts(job.finished()));
                ps.setBoolean(2, job.cancelled());
                ps.setString(3, json(job.students()));
                ps.setString(4, job.id());
                ps.executeUpdate();
            }
        });
    }

    /** Jobs a stopped hub left unfinished, oldest first. */
    List<CourseJob> unfinished() {
        return db.tx(c -> query(c, "WHERE j.finished IS NULL ORDER BY j.started", null, null));
    }

    Optional<CourseJob> find(String course, String id) {
        return db.tx(c -> query(c, "WHERE c.name = ? AND j.id = ?", course, id).stream().findFirst());
    }

    private List<CourseJob> query(Connection c, String where, String course, String id) throws SQLException {
        List<CourseJob> jobs = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                + " FROM course_jobs j JOIN courses c ON c.id = j.course_id " + where)) {
            if (course != null) {
                ps.setString(1, course);
                ps.setString(2, id);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    OffsetDateTime finished = rs.getObject(6, OffsetDateTime.class);
                    jobs.add(CourseJob.restore(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getObject(5, OffsetDateTime.class).toInstant(), finished == null ? null : finished.toInstant(),
                            rs.getBoolean(7), students(rs.getString(8))));
                }
            }
        }
        return jobs;
    }

    private static Map<String, CourseJob.StudentState> students(String json) {
        try {
            return Json.MAPPER.readValue(json, STUDENTS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a course job's stored students are not JSON", e);
        }
    }

    private static String json(Map<String, CourseJob.StudentState> students) {
        try {
            return Json.MAPPER.writeValueAsString(students);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
