package io.meridian.hub.courses;

import io.meridian.hub.db.Database;
import io.meridian.hub.web.ApiException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Courses, their members, assignments, per-student progress and submissions in the hub's database. */
public final class CourseStore {
    private static final String COURSE_COLUMNS = "c.id, c.name, c.title, c.profile, c.data_path, c.max_servers, "
            + "c.max_cpus, c.max_memory, c.max_gpus, c.created";

    private final Database db;

    public CourseStore(Database db) {
        this.db = db;
    }

    /** A new course with its first instructors; 409 when the name is taken. */
    public Course create(String name, String title, String profile, String dataPath, CourseQuota quota,
                         List<Long> instructorIds, Instant now) {
        return db.tx(c -> {
            if (find(c, name).isPresent()) {
                throw ApiException.conflict("course " + name + " already exists");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO courses (name, title, profile, data_path, "
                    + "max_servers, max_cpus, max_memory, max_gpus, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, name);
                ps.setString(2, title);
                ps.setString(3, profile);
                ps.setString(4, dataPath);
                setQuota(ps, 5, quota);
                ps.setObject(9, Database.ts(now));
                ps.executeUpdate();
            }
            Course course = find(c, name).orElseThrow();
            for (long userId : instructorIds) {
                insertMember(c, course.id(), userId, CourseRole.INSTRUCTOR, "", "", now);
            }
            return course;
        });
    }

    public Optional<Course> find(String name) {
        return db.tx(c -> find(c, name));
    }

    public void update(Course course) {
        db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE courses SET title = ?, profile = ?, data_path = ?, "
                    + "max_servers = ?, max_cpus = ?, max_memory = ?, max_gpus = ? WHERE id = ?")) {
                ps.setString(1, course.title());
                ps.setString(2, course.profile());
                ps.setString(3, course.dataPath());
                setQuota(ps, 4, course.quota());
                ps.setLong(8, course.id());
                ps.executeUpdate();
            }
        });
    }

    public void delete(long courseId) {
        db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM courses WHERE id = ?")) {
                ps.setLong(1, courseId);
                ps.executeUpdate();
            }
        });
    }

    /** Every course, by name. */
    public List<Course> all() {
        return db.tx(c -> {
            List<Course> courses = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COURSE_COLUMNS + " FROM courses c ORDER BY c.name");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    courses.add(course(rs));
                }
            }
            return courses;
        });
    }

    /** The courses {@code userId} belongs to, with their role, by name. */
    public Map<Course, CourseRole> coursesOf(long userId) {
        return db.tx(c -> {
            Map<Course, CourseRole> courses = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COURSE_COLUMNS + ", m.role FROM courses c "
                    + "JOIN course_members m ON m.course_id = c.id WHERE m.user_id = ? ORDER BY c.name")) {
                ps.setLong(1, userId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        courses.put(course(rs), CourseRole.fromDb(rs.getString("role")));
                    }
                }
            }
            return courses;
        });
    }

    public Optional<CourseRole> role(long courseId, long userId) {
        return db.tx(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT role FROM course_members WHERE course_id = ? AND user_id = ?")) {
                ps.setLong(1, courseId);
                ps.setLong(2, userId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(CourseRole.fromDb(rs.getString(1))) : Optional.empty();
                }
            }
        });
    }

    /** Whether {@code instructor} teaches the course named {@code course} and {@code student} is one of its students. */
    public boolean teaches(String instructor, String student, String course) {
        return db.tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM courses c "
                    + "JOIN course_members i ON i.course_id = c.id AND i.role = 'instructor' JOIN users iu ON iu.id = i.user_id "
                    + "JOIN course_members s ON s.course_id = c.id AND s.role = 'student' JOIN users su ON su.id = s.user_id "
                    + "WHERE c.name = ? AND iu.name = ? AND su.name = ?")) {
                ps.setString(1, course);
                ps.setString(2, instructor);
                ps.setString(3, student);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    /** Members, instructors first, then by user name. */
    public List<Member> members(long courseId) {
        return db.tx(c -> members(c, courseId));
    }

    public List<Member> members(long courseId, CourseRole role) {
        return members(courseId).stream().filter(m -> m.role() == role).toList();
    }

    /** Adds a member; false when they were already a member (with any role), which is left unchanged. */
    public boolean addMember(long courseId, long userId, CourseRole role, String email, String name, Instant now) {
        return db.tx(c -> {
            if (roleOf(c, courseId, userId).isPresent()) {
                return false;
            }
            insertMember(c, courseId, userId, role, email, name, now);
            return true;
        });
    }

    /** Removes a member with that role; false when there was none. */
    public boolean removeMember(long courseId, long userId, CourseRole role) {
        return db.tx(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM course_members WHERE course_id = ? AND user_id = ? AND role = ?")) {
                ps.setLong(1, courseId);
                ps.setLong(2, userId);
                ps.setString(3, role.db());
                return ps.executeUpdate() > 0;
            }
        });
    }

    /**
     * Makes the students match a roster in one transaction: people not yet members are added as students
     * (instructors stay instructors), and with {@code replace} students missing from the roster are removed.
     *
     * @param roster user id to roster entry, every user existing
     */
    public RosterChange applyRoster(long courseId, Map<Long, RosterEntry> roster, boolean replace, Instant now) {
        return db.tx(c -> {
            Map<Long, Member> current = new HashMap<>();
            members(c, courseId).forEach(m -> current.put(m.userId(), m));
            List<String> added = new ArrayList<>();
            int unchanged = 0;
            for (Map.Entry<Long, RosterEntry> entry : roster.entrySet()) {
                if (current.containsKey(entry.getKey())) {
                    unchanged++;
                } else {
                    insertMember(c, courseId, entry.getKey(), CourseRole.STUDENT, entry.getValue().email(),
                            entry.getValue().name(), now);
                    added.add(entry.getValue().username());
                }
            }
            List<String> removed = new ArrayList<>();
            if (replace) {
                for (Member member : current.values()) {
                    if (member.role() == CourseRole.STUDENT && !roster.containsKey(member.userId())) {
                        try (PreparedStatement ps = c.prepareStatement(
                                "DELETE FROM course_members WHERE course_id = ? AND user_id = ?")) {
                            ps.setLong(1, courseId);
                            ps.setLong(2, member.userId());
                            ps.executeUpdate();
                        }
                        removed.add(member.username());
                    }
                }
            }
            return new RosterChange(added.stream().sorted().toList(), removed.stream().sorted().toList(), unchanged);
        });
    }

    /** How many servers named after the course its members have starting or running. */
    public int activeServers(long courseId, String courseName) {
        return db.tx(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM servers s "
                    + "JOIN course_members m ON m.user_id = s.user_id AND m.course_id = ? "
                    + "WHERE s.name = ? AND s.state IN ('pending_spawn', 'ready')")) {
                ps.setLong(1, courseId);
                ps.setString(2, courseName);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    // ---- assignments

    public Assignment createAssignment(long courseId, String name, Instant due, Instant now) {
        return db.tx(c -> {
            if (assignment(c, courseId, name).isPresent()) {
                throw ApiException.conflict("assignment " + name + " already exists in this course");
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO assignments (course_id, name, due, created) VALUES (?, ?, ?, ?)")) {
                ps.setLong(1, courseId);
                ps.setString(2, name);
                ps.setObject(3, Database.ts(due));
                ps.setObject(4, Database.ts(now));
                ps.executeUpdate();
            }
            return assignment(c, courseId, name).orElseThrow();
        });
    }

    public void updateDue(long assignmentId, Instant due) {
        db.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE assignments SET due = ? WHERE id = ?")) {
                ps.setObject(1, Database.ts(due));
                ps.setLong(2, assignmentId);
                ps.executeUpdate();
            }
        });
    }

    public Optional<Assignment> assignment(long courseId, String name) {
        return db.tx(c -> assignment(c, courseId, name));
    }

    public List<Assignment> assignments(long courseId) {
        return db.tx(c -> {
            List<Assignment> list = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id, course_id, name, due, created FROM assignments "
                    + "WHERE course_id = ? ORDER BY created, name")) {
                ps.setLong(1, courseId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        list.add(assignment(rs));
                    }
                }
            }
            return list;
        });
    }

    /** Per student: [distributed_at, feedback_at], either may be null. */
    public Map<Long, Instant[]> progress(long assignmentId) {
        return db.tx(c -> {
            Map<Long, Instant[]> progress = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT user_id, distributed_at, feedback_at FROM assignment_students WHERE assignment_id = ?")) {
                ps.setLong(1, assignmentId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        progress.put(rs.getLong(1), new Instant[]{instant(rs, "distributed_at"), instant(rs, "feedback_at")});
                    }
                }
            }
            return progress;
        });
    }

    public void markDistributed(long assignmentId, long userId, Instant when) {
        mark(assignmentId, userId, "distributed_at", when);
    }

    public void markFeedback(long assignmentId, long userId, Instant when) {
        mark(assignmentId, userId, "feedback_at", when);
    }

    private void mark(long assignmentId, long userId, String column, Instant when) {
        db.run(c -> {
            int updated;
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE assignment_students SET " + column + " = ? WHERE assignment_id = ? AND user_id = ?")) {
                ps.setObject(1, Database.ts(when));
                ps.setLong(2, assignmentId);
                ps.setLong(3, userId);
                updated = ps.executeUpdate();
            }
            if (updated == 0) {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO assignment_students (assignment_id, user_id, " + column + ") VALUES (?, ?, ?)")) {
                    ps.setLong(1, assignmentId);
                    ps.setLong(2, userId);
                    ps.setObject(3, Database.ts(when));
                    ps.executeUpdate();
                }
            }
        });
    }

    // ---- submissions

    public Submission addSubmission(long assignmentId, long userId, Instant when, int files, long bytes) {
        return db.tx(c -> {
            long id;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO submissions (assignment_id, user_id, submitted_at, "
                    + "files, bytes) VALUES (?, ?, ?, ?, ?)", new String[]{"id"})) {
                ps.setLong(1, assignmentId);
                ps.setLong(2, userId);
                ps.setObject(3, Database.ts(when));
                ps.setInt(4, files);
                ps.setLong(5, bytes);
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    id = keys.getLong(1);
                }
            }
            return submissions(c, assignmentId, Optional.of(userId)).stream().filter(s -> s.id() == id).findFirst().orElseThrow();
        });
    }

    /** Every submission of one student, oldest first. */
    public List<Submission> history(long assignmentId, long userId) {
        return db.tx(c -> submissions(c, assignmentId, Optional.of(userId)));
    }

    /** The latest submission of each student who submitted, by user id. */
    public Map<Long, Submission> latest(long assignmentId) {
        return db.tx(c -> {
            Map<Long, Submission> latest = new LinkedHashMap<>();
            for (Submission s : submissions(c, assignmentId, Optional.empty())) {
                latest.put(s.userId(), s);
            }
            return latest;
        });
    }

    // ---- helpers

    private static List<Submission> submissions(Connection c, long assignmentId, Optional<Long> userId) throws SQLException {
        List<Submission> list = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT s.id, s.assignment_id, s.user_id, u.name, s.submitted_at, "
                + "s.files, s.bytes FROM submissions s JOIN users u ON u.id = s.user_id WHERE s.assignment_id = ?"
                + (userId.isPresent() ? " AND s.user_id = ?" : "") + " ORDER BY s.submitted_at, s.id")) {
            ps.setLong(1, assignmentId);
            if (userId.isPresent()) {
                ps.setLong(2, userId.get());
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    list.add(new Submission(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getString(4),
                            instant(rs, "submitted_at"), rs.getInt(6), rs.getLong(7)));
                }
            }
        }
        return list;
    }

    private static Optional<Course> find(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COURSE_COLUMNS + " FROM courses c WHERE c.name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(course(rs)) : Optional.empty();
            }
        }
    }

    private static Optional<CourseRole> roleOf(Connection c, long courseId, long userId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT role FROM course_members WHERE course_id = ? AND user_id = ?")) {
            ps.setLong(1, courseId);
            ps.setLong(2, userId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(CourseRole.fromDb(rs.getString(1))) : Optional.empty();
            }
        }
    }

    private static List<Member> members(Connection c, long courseId) throws SQLException {
        List<Member> members = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT m.user_id, u.name, m.role, m.email, m.full_name, m.added "
                + "FROM course_members m JOIN users u ON u.id = m.user_id WHERE m.course_id = ? ORDER BY m.role, u.name")) {
            ps.setLong(1, courseId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    members.add(new Member(rs.getLong(1), rs.getString(2), CourseRole.fromDb(rs.getString(3)),
                            rs.getString(4), rs.getString(5), instant(rs, "added")));
                }
            }
        }
        return members;
    }

    private static void insertMember(Connection c, long courseId, long userId, CourseRole role, String email, String name,
                                     Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO course_members (course_id, user_id, role, email, "
                + "full_name, added) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setLong(1, courseId);
            ps.setLong(2, userId);
            ps.setString(3, role.db());
            ps.setString(4, email);
            ps.setString(5, name);
            ps.setObject(6, Database.ts(now));
            ps.executeUpdate();
        }
    }

    private static Optional<Assignment> assignment(Connection c, long courseId, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id, course_id, name, due, created FROM assignments WHERE course_id = ? AND name = ?")) {
            ps.setLong(1, courseId);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(assignment(rs)) : Optional.empty();
            }
        }
    }

    private static Assignment assignment(ResultSet rs) throws SQLException {
        return new Assignment(rs.getLong("id"), rs.getLong("course_id"), rs.getString("name"), instant(rs, "due"),
                instant(rs, "created"));
    }

    private static void setQuota(PreparedStatement ps, int first, CourseQuota quota) throws SQLException {
        ps.setInt(first, quota.maxServers());
        ps.setDouble(first + 1, quota.cpus());
        ps.setLong(first + 2, quota.memoryBytes());
        ps.setInt(first + 3, quota.gpus());
    }

    private static Course course(ResultSet rs) throws SQLException {
        return new Course(rs.getLong("id"), rs.getString("name"), rs.getString("title"), rs.getString("profile"),
                rs.getString("data_path"), new CourseQuota(rs.getInt("max_servers"), rs.getDouble("max_cpus"),
                rs.getLong("max_memory"), rs.getInt("max_gpus")), instant(rs, "created"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
