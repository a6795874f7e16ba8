package io.meridian.hub.courses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.meridian.hub.audit.AuditLog;
import io.meridian.hub.auth.Caller;
import io.meridian.hub.servers.ServerLifecycle;
import io.meridian.hub.servers.ServerRow;
import io.meridian.hub.servers.ServerState;
import io.meridian.hub.users.User;
import io.meridian.hub.users.UserStore;
import io.meridian.hub.web.ApiException;
import io.meridian.hub.web.Json;
import io.meridian.hub.web.Names;
import io.meridian.hub.web.Params;
import io.meridian.spawner.HomeFiles;
import io.meridian.spawner.docker.Profile;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Courses under {@code /api/v1/courses}: admins create them and name the first instructors; instructors manage
 * the roster, the servers and the assignments of their course; students see their courses and assignments,
 * start their course server and submit. A caller who is neither a member nor an admin gets 404 for a course.
 * Instructors' changes are written to the audit log (admins' are by the hub's audit filter).
 */
public final class CoursesApi implements HttpService {
    private static final Set<String> CREATE_FIELDS = Set.of("name", "title", "instructors", "profile", "dataPath", "quota");
    private static final Set<String> QUOTA_FIELDS = Set.of("maxServers", "cpus", "memoryBytes", "gpus");

    private final Function<ServerRequest, Caller> callers;
    private final CourseStore store;
    private final UserStore users;
    private final CourseServers courseServers;
    private final Exchange exchange;
    private final GroupDirectory groups;
    private final Function<String, Optional<Profile>> profiles;
    private final AuditLog audit;
    private final long maxUploadBytes;
    private final Clock clock;

    /**
     * @param groups         where {@code {"group": ...}} rosters come from; null when no directory is configured
     * @param profiles       the spawner's profile of a name; always empty when the spawner has no profiles
     * @param maxUploadBytes the largest assignment or data upload, packed and unpacked
     */
    public CoursesApi(Function<ServerRequest, Caller> callers, CourseStore store, UserStore users,
                      CourseServers courseServers, Exchange exchange, GroupDirectory groups,
                      Function<String, Optional<Profile>> profiles, AuditLog audit, long maxUploadBytes, Clock clock) {
        this.callers = callers;
        this.store = store;
        this.users = users;
        this.courseServers = courseServers;
        this.exchange = exchange;
        this.groups = groups;
        this.profiles = profiles;
        this.audit = audit;
        this.maxUploadBytes = maxUploadBytes;
        this.clock = clock;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/courses", this::list)
                .post("/courses", this::create)
                .get("/courses/{course}", this::get)
                .patch("/courses/{course}", audited(this::modify))
                .delete("/courses/{course}", this::delete)
                .put("/courses/{course}/instructors/{user}", this::addInstructor)
                .delete("/courses/{course}/instructors/{user}", this::removeInstructor)
                .get("/courses/{course}/students", this::students)
                .post("/courses/{course}/roster", audited(this::roster))
                .put("/courses/{course}/students/{user}", audited(this::addStudent))
                .delete("/courses/{course}/students/{user}", audited(this::removeStudent))
                .put("/courses/{course}/data", audited(this::uploadData))
                .post("/courses/{course}/servers", audited(this::startAll))
                .delete("/courses/{course}/servers", audited(this::stopAll))
                .get("/courses/{course}/jobs/{job}", this::job)
                .delete("/courses/{course}/jobs/{job}", audited(this::cancelJob))
                .post("/courses/{course}/server", this::startOwn)
                .delete("/courses/{course}/server", this::stopOwn)
                .get("/courses/{course}/assignments", this::assignments)
                .post("/courses/{course}/assignments", audited(this::createAssignment))
                .put("/courses/{course}/assignments/{assignment}/files", audited(this::addFiles))
                .patch("/courses/{course}/assignments/{assignment}", audited(this::modifyAssignment))
                .post("/courses/{course}/assignments/{assignment}/distribute", audited(this::distribute))
                .post("/courses/{course}/assignments/{assignment}/submit", this::submit)
                .get("/courses/{course}/assignments/{assignment}/submissions", this::submissions)
                .get("/courses/{course}/assignments/{assignment}/submissions/{user}", this::history)
                .post("/courses/{course}/assignments/{assignment}/collect", audited(this::collect))
                .post("/courses/{course}/assignments/{assignment}/feedback", audited(this::feedback));
    }

    // ---- courses

    private void list(ServerRequest req, ServerResponse res) {
        Caller caller = callers.apply(req);
        Map<Course, CourseRole> mine = store.coursesOf(caller.user().id());
        List<Object> courses = new ArrayList<>();
        if (admin(caller)) {
            for (Course course : store.all()) {
                courses.add(summary(course, Optional.ofNullable(mine.get(course)).map(CourseRole::db).orElse("admin")));
            }
        } else {
            mine.forEach((course, role) -> courses.add(summary(course, role.db())));
        }
        Json.ok(res, Map.of("courses", courses));
    }

    private void create(ServerRequest req, ServerResponse res) {
        Caller caller = callers.apply(req);
        if (!admin(caller)) {
            throw ApiException.forbidden("only admins create courses");
        }
        ObjectNode body = Json.objectBody(req);
        unknownFields(body, CREATE_FIELDS);
        String name = courseName(text(body, "name", true));
        String title = title(text(body, "title", false), name);
        CourseQuota quota = quota(body.get("quota"), CourseQuota.NONE);
        String profile = profile(text(body, "profile", false), quota);
        String dataPath = dataPath(text(body, "dataPath", false));
        List<String> instructors = names(body.get("instructors"), "instructors");
        if (instructors.isEmpty()) {
            throw ApiException.badRequest("name at least one instructor: \"instructors\": [\"user\"]");
        }
        if (store.find(name).isPresent()) {
            throw ApiException.conflict("course " + name + " already exists");
        }
        List<Long> ids = ensureUsers(instructors).stream().map(User::id).toList();
        Course course = store.create(name, title, profile, dataPath, quota, ids, clock.instant());
        Json.send(res, 201, detail(course, "admin"));
    }

    private void get(ServerRequest req, ServerResponse res) {
        Access access = member(req);
        Json.ok(res, detail(access.course(), access.roleName()));
    }

    private void modify(ServerRequest req, ServerResponse res) {
        Access access = instructor(req);
        ObjectNode body = Json.objectBody(req);
        unknownFields(body, Set.of("title", "profile", "dataPath", "quota"));
        if ((body.has("quota") || body.has("dataPath")) && !access.admin()) {
            throw ApiException.forbidden("only admins change a course's quota or data path");
        }
        Course course = access.course();
        CourseQuota quota = body.has("quota") ? quota(body.get("quota"), course.quota()) : course.quota();
        String profile = body.has("profile") ? profile(text(body, "profile", false), quota) : profile(course.profile(), quota);
        String title = body.has("title") ? title(text(body, "title", true), course.name()) : course.title();
        String dataPath = body.has("dataPath") ? dataPath(text(body, "dataPath", false)) : course.dataPath();
        Course changed = new Course(course.id(), course.name(), title, profile, dataPath, quota, course.created());
        store.update(changed);
        Json.ok(res, detail(changed, access.roleName()));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        Access access = member(req);
        if (!access.admin()) {
            throw ApiException.forbidden("only admins delete courses");
        }
        boolean stop = switch (Params.query(req, "stop").orElse("false")) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ApiException.badRequest("stop must be true or false");
        };
        Course course = access.course();
        List<String> members = store.members(course.id()).stream().map(Member::username).toList();
        List<String> running = courseServers.active(course, members);
        List<CourseJob> jobs = courseServers.running(course.name());
        if (!stop && (!running.isEmpty() || !jobs.isEmpty())) {
            throw ApiException.conflict("course " + course.name() + " still has "
                    + (running.isEmpty() ? "" : "course servers running: " + running + (jobs.isEmpty() ? "" : " and "))
                    + (jobs.isEmpty() ? "" : "start/stop jobs running: " + jobs.stream().map(CourseJob::id).toList())
                    + "; nothing was deleted. Stop them first, or DELETE /api/v1/courses/" + course.name() + "?stop=true");
        }
        jobs.forEach(CourseJob::cancel);
        try {
            List<String> left = courseServers.stopAndWait(course, courseServers.active(course, members));
            if (!left.isEmpty()) {
                throw ApiException.conflict("these course servers did not stop in time, the course was not deleted: "
                        + left + "; try again");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "the hub is shutting down; the course was not deleted");
        }
        store.delete(course.id());
        exchange.deleteCourse(course);
        res.status(204).send();
    }

    private void addInstructor(ServerRequest req, ServerResponse res) {
        Access access = member(req);
        if (!access.admin()) {
            throw ApiException.forbidden("only admins name instructors");
        }
        User user = ensureUsers(List.of(Names.user(Params.path(req, "user")))).getFirst();
        Optional<CourseRole> role = store.role(access.course().id(), user.id());
        if (role.isPresent() && role.get() == CourseRole.STUDENT) {
            throw ApiException.conflict(user.name() + " is a student of " + access.course().name() + "; remove them as a student first");
        }
        boolean added = store.addMember(access.course().id(), user.id(), CourseRole.INSTRUCTOR, "", "", clock.instant());
        res.status(added ? 201 : 200).send();
    }

    private void removeInstructor(ServerRequest req, ServerResponse res) {
        Access access = member(req);
        if (!access.admin()) {
            throw ApiException.forbidden("only admins remove instructors");
        }
        User user = users.require(Names.user(Params.path(req, "user")));
        if (!store.removeMember(access.course().id(), user.id(), CourseRole.INSTRUCTOR)) {
            throw ApiException.notFound(user.name() + " is not an instructor of " + access.course().name());
        }
        res.status(204).send();
    }

    // ---- students and roster

    private void students(ServerRequest req, ServerResponse res) {
        Access access = instructor(req);
        List<Object> students = new ArrayList<>();
        for (Member m : store.members(access.course().id(), CourseRole.STUDENT)) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("username", m.username());
            s.put("email", m.email());
            s.put("name", m.name());
            s.put("lastActivity", users.find(m.username()).map(User::lastActivity).map(Json::time).orElse(null));
            s.put("server", courseServers.server(m.username(), access.course()).map(CoursesApi::server).orElse(null));
            students.add(s);
        }
        Json.ok(res, Map.of("students", students));
    }

    private void roster(ServerRequest req, ServerResponse res) {
        Access access = instructor(req);
        boolean replace = switch (Params.query(req, "mode").orElse("add")) {
            case "add" -> false;
            case "replace" -> true;
            default -> throw ApiException.badRequest("mode must be add (the default) or replace");
        };
        String type = req.headers().first(HeaderNames.CONTENT_TYPE).orElse("").toLowerCase();
        List<RosterEntry> entries;
        if (type.startsWith("text/csv")) {
            entries = Roster.parseCsv(new String(readBody(req, 1024 * 1024), StandardCharsets.UTF_8));
        } else if (type.startsWith("application/json")) {
            ObjectNode body = Json.objectBody(req);
            unknownFields(body, Set.of("group", "include_subgroups"));
            String group = text(body, "group", true);
            JsonNode subgroups = body.path("include_subgroups");
            if (!subgroups.isMissingNode() && !subgroups.isBoolean()) {
                throw ApiException.badRequest("include_subgroups must be true or false");
            }
            if (groups == null) {
                throw ApiException.badRequest("no group directory configured: this hub takes rosters as CSV only");
            }
            entries = groups.members(group, subgroups.asBoolean(false));
            List<String> bad = entries.stream().map(RosterEntry::username).filter(u -> !Names.isValidUser(u)).toList();
            if (!bad.isEmpty()) {
                throw ApiException.badRequest("roster rejected, nothing changed: group " + group
                        + " has members whose names the hub cannot use: " + bad);
            }
        } else {
            throw new ApiException(415, "send the roster as text/csv (username,email,name) or as application/json {\"group\": \"...\"}");
        }
        Map<Long, RosterEntry> byId = new LinkedHashMap<>();
        List<User> known = ensureUsers(entries.stream().map(RosterEntry::username).toList());
        for (int i = 0; i < entries.size(); i++) {
            byId.put(known.get(i).id(), entries.get(i));
        }
        RosterChange change = store.applyRoster(access.course().id(), byId, replace, clock.instant());
        Json.ok(res, ordered("added", change.added(), "removed", change.removed(), "unchanged", change.unchanged()));
    }

    private void addStudent(ServerRequest req, ServerResponse res) {
        Access access = instructor(req);
        String name = Names.user(Params.path(req, "user"));
        ObjectNode body = Json.objectBody(req);
        unknownFields(body, Set.of("email", "name"));
        String email = Optional.ofNullable(text(body, "email", false)).orElse("");
        String fullName = Optional.ofNullable(text(body, "name", false)).orElse("");
        if (!email.isEmpty() && !Roster.validEmail(email)) {
            throw ApiException.badRequest("invalid e-mail address");
        }
        if (fullName.length() > 200) {
            throw ApiException.badRequest("name longer than 200 characters");
        }
        User user = ensureUsers(List.of(name)).getFirst();
        Optional<CourseRole> role = store.role(access.course().id(), user.id());
        if (role.isPresent() && role.get() == CourseRole.INSTRUCTOR) {
            throw ApiException.conflict(name + " is an instructor of " + access.course().name());
        }
        boolean added = store.addMember(access.course().id(), user.id(), CourseRole.STUDENT, email, fullName, clock.instant());
        res.status(added ? 201 : 200).send();
    }

    private void removeStudent(ServerRequest req, ServerResponse res) {
        Access access = instructor(req);
        User user = users.find(Names.user(Params.path(req, "user")))
                .orElseThrow(() -> ApiException.notFound("no such student in " + access.course().name()));
        if (!store.removeMember(access.course().id(), user.id(), CourseRole.STUDENT)) {
            throw ApiException.notFound("no such student in " + access.course().name());
        }
        res.status(204).send();
    }

    private void uploadData(ServerRequest req, ServerResponse res) {
        Access access = instructor(req);
        Map<String, byte[]> files = upload(req, Set.of()).files();
        Course course = access.course();
        exchange.replaceData(course, files);
        Course changed = new Course(course.id(), course.name(), course.title(), course.profile(),
                exchange.uploadedData(course).toString(), course.quota(), course.created());
        store.update(changed);
        Json.ok(res, ordered("files", files.size(), "dataPath", changed.dataPath(),
                "mountedAt", "~/" + CoursePolicy.dataTarget(course.name())));
    }

    // ---- servers

    private void startAll(ServerRequest req, ServerResponse res) {
        Access access = instructor(req);
        List<String> students = selectedStudents(access.course(), Json.objectBody(req));
        CourseJob job = courseServers.launch(access.course(), students, true, access.caller().name());
        Json.send(res, 202, job.view());
    }

    private void stopAll(ServerRequest req, ServerResponse res) {
        Access access = instructor(req);
        List<String> students = selectedStudents(access.course(), Json.objectBody(req));
        CourseJob job = courseServers.launch(access.course(), students, false, access.caller().name());
        Json.send(res, 202, job.view());
    }

    private void job(ServerRequest req, ServerResponse res) {
        Access access = instructor(req);
        CourseJob job = courseServers.job(access.course().name(), Params.path(req, "job"))
                .orElseThrow(() -> ApiException.notFound("no such job in " + access.course().name()));
        Json.ok(res, job.view());
    }

    private void cancelJob(ServerRequest req, ServerResponse res) {
        Access access = instructor(req);
        CourseJob job = courseServers.job(access.course().name(), Params.path(req, "job"))
                .orElseThrow(() -> ApiException.notFound("no such job in " + access.course().name()));
        if (!job.cancel()) {
            throw ApiException.conflict("job " + job.id() + " has already finished");
        }
        Json.ok(res, job.view());
    }

    private void startOwn(ServerRequest req, ServerResponse res) {
        Access access = member(req);
        if (access.role().isEmpty()) {
            throw ApiException.badRequest("admins who are not members of " + access.course().name() + " have no course server");
        }
        access.caller().require("start:servers", access.caller().name());
        ServerLifecycle.Outcome outcome = courseServers.start(access.caller().user(), access.course());
        ServerRow row = courseServers.server(access.caller().name(), access.course()).orElseThrow();
        Json.send(res, outcome == ServerLifecycle.Outcome.DONE ? 201 : 202, server(row));
    }

    private void stopOwn(ServerRequest req, ServerResponse res) {
        Access access = member(req);
        access.caller().require("delete:servers", access.caller().name());
        ServerRow row = courseServers.server(access.caller().name(), access.course())
                .orElseThrow(() -> ApiException.notFound("you have no server for " + access.course().name()));
        courseServers.launch(access.course(), List.of(row.user()), false, access.caller().name());
        res.status(202).send();
    }

    // ---- assignments

    private void assignments(ServerRequest req, ServerResponse res) {
        Access access = member(req);
        long me = access.caller().user().id();
        List<Object> list = new ArrayList<>();
        for (Assignment a : store.assignments(access.course().id())) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("name", a.name());
            view.put("due", Json.time(a.due()));
            if (access.instructs()) {
                Map<Long, Instant[]> progress = store.progress(a.id());
                Map<Long, Submission> latest = store.latest(a.id());
                view.put("files", exchange.assignmentFiles(access.course(), a).keySet());
                view.put("distributedTo", progress.values().stream().filter(p -> p[0] != null).count());
                view.put("submitted", latest.size());
                view.put("late", latest.values().stream().filter(s -> a.late(s.submittedAt())).count());
                view.put("feedbackReturned", progress.values().stream().filter(p -> p[1] != null).count());
            } else {
                Instant[] progress = store.progress(a.id()).getOrDefault(me, new Instant[2]);
                List<Submission> mine = store.history(a.id(), me);
                Instant submitted = mine.isEmpty() ? null : mine.getLast().submittedAt();
                view.put("distributed", progress[0] != null);
                view.put("submittedAt", Json.time(submitted));
                view.put("late", a.late(submitted));
                view.put("feedback", progress[1] != null);
            }
            list.add(view);
        }
        Json.ok(res, Map.of("assignments", list));
    }

    private void createAssignment(ServerRequest req, ServerResponse res) {
        Access access = instructor(req);
        Upload upload = upload(req, Set.of("name", "due"));
        String name = Names.server(field(req, upload, "name")
                .orElseThrow(() -> ApiException.badRequest("give the assignment a name: ?name=hw1 (or a form field name)")));
        if (name.isEmpty()) {
            throw ApiException.badRequest("give the assignment a name: ?name=hw1 (or a form field name)");
        }
        Instant due = field(req, upload, "due").filter(d -> !d.isEmpty()).map(CoursesApi::instant).orElse(null);
        if (store.assignment(access.course().id(), name).isPresent()) {
            throw ApiException.conflict("assignment " + name + " already exists; PUT .../files adds files to it");
        }
        Assignment assignment = store.createAssignment(access.course().id(), name, due, clock.instant());
        exchange.storeAssignment(access.course(), assignment, upload.files());
        Json.send(res, 201, assignmentView(access.course(), assignment));
    }

    private void addFiles(ServerRequest req, ServerResponse res) {
        Access access = instructor(req);
        Assignment assignment = assignment(access, req);
        exchange.storeAssignment(access.course(), assignment, upload(req, Set.of()).files());
        Json.ok(res, assignmentView(access.course(), assignment));
    }

    private void modifyAssignment(ServerRequest req, ServerResponse res) {
        Access access = instructor(req);
        Assignment assignment = assignment(access, req);
        ObjectNode body = Json.objectBody(req);
        unknownFields(body, Set.of("due"));
        Instant due = body.hasNonNull("due") ? instant(text(body, "due", true)) : null;
        store.updateDue(assignment.id(), due);
        Assignment changed = new Assignment(assignment.id(), assignment.courseId(), assignment.name(), due, assignment.created());
        Json.ok(res, assignmentView(access.course(), changed));
    }

    private void distribute(ServerRequest req, ServerResponse res) {
        Access access = instructor(req);
        Assignment assignment = assignment(access, req);
        List<Member> students = selected(access.course(), Json.objectBody(req));
        Map<String, Exchange.Delivery> result = exchange.distribute(access.course(), assignment, students);
        Json.ok(res, ordered("assignment", assignment.name(), "path", "~/" + Exchange.studentDir(access.course(), assignment),
                "students", deliveries(result)));
    }

    private void submit(ServerRequest req, ServerResponse res) {
        Access access = member(req);
        if (access.role().orElse(null) != CourseRole.STUDENT) {
            throw ApiException.forbidden("only students of " + access.course().name() + " submit");
        }
        Assignment assignment = assignment(access, req);
        Submission s = exchange.submit(access.course(), assignment, access.caller().user());
        Json.send(res, 201, submissionView(assignment, s));
    }

    private void submissions(ServerRequest req, ServerResponse res) {
        Access access = instructor(req);
        Assignment assignment = assignment(access, req);
        List<Object> list = new ArrayList<>();
        store.latest(assignment.id()).values().forEach(s -> list.add(submissionView(assignment, s)));
        Json.ok(res, Map.of("submissions", list));
    }

    private void history(ServerRequest req, ServerResponse res) {
        Access access = member(req);
        String student = Names.user(Params.path(req, "user"));
        if (!access.instructs() && !student.equals(access.caller().name())) {
            throw ApiException.notFound("no submissions of " + student + " that you may see");
        }
        Assignment assignment = assignment(access, req);
        User user = users.find(student).orElseThrow(() -> ApiException.notFound("no such student: " + student));
        List<Object> list = new ArrayList<>();
        store.history(assignment.id(), user.id()).forEach(s -> list.add(submissionView(assignment, s)));
        Json.ok(res, Map.of("submissions", list));
    }

    private void collect(ServerRequest req, ServerResponse res) {
        Access access = instructor(req);
        if (access.role().isEmpty()) {
            throw ApiException.badRequest("collect copies into the instructor's home: admins who do not teach "
                    + access.course().name() + " add themselves as instructor first");
        }
        Assignment assignment = assignment(access, req);
        List<Object> collected = new ArrayList<>();
        for (Exchange.Collected c : exchange.collect(access.course(), assignment, access.caller().user())) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("student", c.student());
            view.put("submittedAt", Json.time(c.submittedAt()));
            view.put("late", c.late());
            view.put("files", c.files());
            view.put("error", c.error());
            collected.add(view);
        }
        Json.ok(res, ordered("assignment", assignment.name(),
                "path", "~/courses/" + access.course().name() + "/collected/" + assignment.name(), "collected", collected));
    }

    private void feedback(ServerRequest req, ServerResponse res) {
        Access access = instructor(req);
        if (access.role().isEmpty()) {
            throw ApiException.badRequest("feedback is read from the instructor's home: admins who do not teach "
                    + access.course().name() + " add themselves as instructor first");
        }
        Assignment assignment = assignment(access, req);
        List<Member> students = selected(access.course(), Json.objectBody(req));
        Map<String, Exchange.Delivery> result = exchange.returnFeedback(access.course(), assignment,
                access.caller().user(), students);
        Json.ok(res, ordered("assignment", assignment.name(),
                "from", "~/courses/" + access.course().name() + "/feedback/" + assignment.name() + "/<student>",
                "students", deliveries(result)));
    }

    // ---- access

    /** The caller and their part in the course. */
    private record Access(Caller caller, Course course, Optional<CourseRole> role, boolean admin) {
        boolean instructs() {
            return admin || role.orElse(null) == CourseRole.INSTRUCTOR;
        }

        String roleName() {
            return role.map(CourseRole::db).orElse("admin");
        }
    }

    private Access member(ServerRequest req) {
        Caller caller = callers.apply(req);
        String name = courseName(Params.path(req, "course"));
        Optional<Course> course = store.find(name);
        Optional<CourseRole> role = course.flatMap(c -> store.role(c.id(), caller.user().id()));
        boolean admin = admin(caller);
        if (course.isEmpty() || (role.isEmpty() && !admin)) {
            throw ApiException.notFound("no such course: " + name);
        }
        return new Access(caller, course.get(), role, admin);
    }

    private Access instructor(ServerRequest req) {
        Access access = member(req);
        if (!access.instructs()) {
            throw ApiException.forbidden("only instructors of " + access.course().name() + " may do this");
        }
        return access;
    }

    private static boolean admin(Caller caller) {
        return caller.user().admin() && caller.scopes().contains("admin:users");
    }

    /** Instructors' changes go to the audit log; admins' are already recorded by the hub's audit filter. */
    private Handler audited(Handler handler) {
        return (req, res) -> {
            int status = 500;
            try {
                handler.handle(req, res);
                status = res.status().code();
            } catch (ApiException e) {
                status = e.status();
                throw e;
            } finally {
                recordInstructor(req, status);
            }
        };
    }

    private void recordInstructor(ServerRequest req, int status) {
        Caller caller;
        try {
            caller = callers.apply(req);
        } catch (ApiException notAuthenticated) {
            return;
        }
        if (!caller.user().admin()) {
            audit.record(clock.instant(), caller.name(), req.prologue().method().text(),
                    req.prologue().uriPath().rawPath(), status, caller.tokenId() == null ? "session" : "token");
        }
    }

    // ---- views

    private Map<String, Object> summary(Course course, String role) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", course.name());
        view.put("title", course.title());
        view.put("role", role);
        return view;
    }

    private Map<String, Object> detail(Course course, String role) {
        Map<String, Object> view = summary(course, role);
        view.put("profile", course.profile());
        view.put("data", course.dataPath() == null ? null
                : ordered("path", course.dataPath(), "mountedAt", "~/" + CoursePolicy.dataTarget(course.name())));
        view.put("quota", ordered("maxServers", course.quota().maxServers(), "cpus", course.quota().cpus(),
                "memoryBytes", course.quota().memoryBytes(), "gpus", course.quota().gpus()));
        List<Member> members = store.members(course.id());
        view.put("instructors", members.stream().filter(m -> m.role() == CourseRole.INSTRUCTOR).map(Member::username).toList());
        view.put("students", members.stream().filter(m -> m.role() == CourseRole.STUDENT).count());
        view.put("created", Json.time(course.created()));
        return view;
    }

    private static Map<String, Object> server(ServerRow row) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("state", row.state().db());
        view.put("ready", row.state() == ServerState.READY);
        view.put("url", row.baseUrl());
        view.put("progressUrl", row.progressUrl());
        view.put("started", Json.time(row.started()));
        view.put("lastActivity", Json.time(row.lastActivity()));
        view.put("message", row.message());
        return view;
    }

    private Map<String, Object> assignmentView(Course course, Assignment a) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", a.name());
        view.put("due", Json.time(a.due()));
        view.put("files", exchange.assignmentFiles(course, a).keySet());
        return view;
    }

    private static Map<String, Object> submissionView(Assignment assignment, Submission s) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("student", s.username());
        view.put("submittedAt", Json.time(s.submittedAt()));
        view.put("late", assignment.late(s.submittedAt()));
        view.put("files", s.files());
        view.put("bytes", s.bytes());
        return view;
    }

    /** A JSON object whose fields keep the order given: {@code ordered("a", 1, "b", 2)}. */
    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private static Map<String, Object> deliveries(Map<String, Exchange.Delivery> result) {
        Map<String, Object> students = new LinkedHashMap<>();
        result.forEach((student, d) -> {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("copied", d.copied());
            view.put("skipped", d.skipped());
            view.put("error", d.error());
            students.put(student, view);
        });
        return students;
    }

    // ---- input

    private Assignment assignment(Access access, ServerRequest req) {
        String name = Names.server(Params.path(req, "assignment"));
        return store.assignment(access.course().id(), name)
                .orElseThrow(() -> ApiException.notFound("no such assignment in " + access.course().name() + ": " + name));
    }

    /** The students a body's optional {@code "students": [...]} names (all of them without it), each checked. */
    private List<Member> selected(Course course, ObjectNode body) {
        unknownFields(body, Set.of("students"));
        List<Member> all = store.members(course.id(), CourseRole.STUDENT);
        if (!body.has("students")) {
            return all;
        }
        Set<String> wanted = new LinkedHashSet<>(names(body.get("students"), "students"));
        Set<String> known = new HashSet<>();
        all.forEach(m -> known.add(m.username()));
        List<String> unknown = wanted.stream().filter(w -> !known.contains(w)).toList();
        if (!unknown.isEmpty()) {
            throw ApiException.badRequest("not students of " + course.name() + ": " + unknown);
        }
        return all.stream().filter(m -> wanted.contains(m.username())).toList();
    }

    private List<String> selectedStudents(Course course, ObjectNode body) {
        return selected(course, body).stream().map(Member::username).toList();
    }

    /** The users of these names, creating those the hub does not know yet (without password: they log in through the identity provider or get one from an admin). */
    private List<User> ensureUsers(List<String> names) {
        List<String> missing = names.stream().filter(n -> users.find(n).isEmpty()).distinct().toList();
        if (!missing.isEmpty()) {
            users.create(missing, false);
        }
        return names.stream().map(users::require).toList();
    }

    private String profile(String name, CourseQuota quota) {
        if (name == null) {
            return null;
        }
        Profile profile = profiles.apply(name).orElseThrow(() -> ApiException.badRequest(
                "unknown profile '" + name + "': use one of the Docker spawner's profiles (GET /api/v1/profiles), or none"));
        if (quota.cpus() > 0 && (profile.cpus() == 0 || profile.cpus() > quota.cpus())) {
            throw ApiException.badRequest("profile " + name + " asks for " + (profile.cpus() == 0 ? "unlimited" : profile.cpus())
                    + " CPUs; the course quota allows " + quota.cpus() + " per server");
        }
        if (quota.memoryBytes() > 0 && (profile.memoryBytes() == 0 || profile.memoryBytes() > quota.memoryBytes())) {
            throw ApiException.badRequest("profile " + name + " asks for " + (profile.memoryBytes() == 0 ? "unlimited"
                    : profile.memoryBytes() + " bytes of") + " memory; the course quota allows " + quota.memoryBytes() + " per server");
        }
        if (profile.gpus() > quota.gpus()) {
            throw ApiException.badRequest("profile " + name + " asks for " + profile.gpus()
                    + " GPUs; the course quota allows " + quota.gpus() + " per server");
        }
        return name;
    }

    private static CourseQuota quota(JsonNode node, CourseQuota base) {
        if (node == null || node.isNull()) {
            return base;
        }
        if (!node.isObject()) {
            throw ApiException.badRequest("'quota' must be an object with maxServers, cpus, memoryBytes, gpus");
        }
        unknownFields((ObjectNode) node, QUOTA_FIELDS);
        for (String field : QUOTA_FIELDS) {
            if (node.has(field) && !node.get(field).isNumber()) {
                throw ApiException.badRequest("quota." + field + " must be a number");
            }
        }
        return new CourseQuota(node.has("maxServers") ? node.get("maxServers").asInt() : base.maxServers(),
                node.has("cpus") ? node.get("cpus").asDouble() : base.cpus(),
                node.has("memoryBytes") ? node.get("memoryBytes").asLong() : base.memoryBytes(),
                node.has("gpus") ? node.get("gpus").asInt() : base.gpus());
    }

    private static String dataPath(String path) {
        if (path == null) {
            return null;
        }
        Path folder = Path.of(path);
        if (!folder.isAbsolute() || !Files.isDirectory(folder)) {
            throw ApiException.badRequest("dataPath must be an existing folder on the hub, as an absolute path: " + path);
        }
        return folder.normalize().toString();
    }

    private static String courseName(String name) {
        if (name == null || name.isEmpty()) {
            throw ApiException.badRequest("a course needs a name: up to 30 lowercase letters, digits and single hyphens");
        }
        try {
            return Names.server(name);
        } catch (ApiException e) {
            throw ApiException.badRequest("invalid course name: use up to 30 lowercase letters, digits and single hyphens, "
                    + "starting with a letter (it names the students' servers)");
        }
    }

    private static String title(String title, String fallback) {
        if (title == null) {
            return fallback;
        }
        if (title.isBlank() || title.length() > 200) {
            throw ApiException.badRequest("'title' must be 1 to 200 characters");
        }
        return title;
    }

    private static Instant instant(String value) {
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("'due' must be an ISO-8601 time with offset, e.g. 2026-12-01T23:59:00Z");
        }
    }

    private static String text(ObjectNode body, String field, boolean required) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw ApiException.badRequest("'" + field + "' is required");
            }
            return null;
        }
        if (!value.isTextual()) {
            throw ApiException.badRequest("'" + field + "' must be a string");
        }
        return value.asText();
    }

    private static List<String> names(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw ApiException.badRequest("'" + field + "' must be a list of user names");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode n : node) {
            if (!n.isTextual()) {
                throw ApiException.badRequest("'" + field + "' must be a list of user names");
            }
            names.add(Names.user(n.asText()));
        }
        return names;
    }

    private static void unknownFields(ObjectNode body, Set<String> allowed) {
        List<String> unknown = new ArrayList<>();
        body.fieldNames().forEachRemaining(f -> {
            if (!allowed.contains(f)) {
                unknown.add(f);
            }
        });
        if (!unknown.isEmpty()) {
            throw ApiException.badRequest("unknown fields " + unknown + "; allowed: " + allowed.stream().sorted().toList());
        }
    }

    /** The files of an upload, and the form fields when it came as a multipart form. */
    private record Upload(Map<String, byte[]> files, Map<String, String> fields) {
    }

    /**
     * An upload: a zip, tar or tar.gz body, or a multipart/form-data form whose file parts are the files (each
     * part's file name is its path) and whose other parts are the {@code fieldNames}. Checked whole before
     * anything is stored.
     */
    private Upload upload(ServerRequest req, Set<String> fieldNames) {
        String type = req.headers().first(HeaderNames.CONTENT_TYPE).orElse("");
        byte[] body = readBody(req, maxUploadBytes);
        if (!Multipart.is(type)) {
            return new Upload(Archives.unpack(body, maxUploadBytes), Map.of());
        }
        Map<String, byte[]> files = new TreeMap<>();
        Map<String, String> fields = new LinkedHashMap<>();
        for (Multipart.Part part : Multipart.parse(type, body)) {
            String what = "part " + part.number() + " ('" + part.name() + "')";
            if (part.filename() == null) {
                if (!fieldNames.contains(part.name())) {
                    throw ApiException.badRequest(what + " is not a file and not a field of this form"
                            + (fieldNames.isEmpty() ? "; send files only" : "; fields: " + fieldNames.stream().sorted().toList()));
                }
                if (fields.put(part.name(), part.text().trim()) != null) {
                    throw ApiException.badRequest(what + ": the field is given twice");
                }
                continue;
            }
            if (part.filename().isEmpty() && part.content().length == 0) {
                continue; // a browser's file input with no file chosen
            }
            String path;
            try {
                path = HomeFiles.checkPath(part.filename().startsWith("./") ? part.filename().substring(2) : part.filename());
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(what + ": file name '" + part.filename() + "' refused, nothing was stored: "
                        + e.getMessage());
            }
            if (files.put(path, part.content()) != null) {
                throw ApiException.badRequest(what + ": " + path + " is given twice");
            }
            if (files.size() > Archives.MAX_FILES) {
                throw ApiException.badRequest("the form holds more than " + Archives.MAX_FILES + " files");
            }
        }
        if (files.isEmpty()) {
            throw ApiException.badRequest("the form holds no file: send files as parts with a file name, e.g. curl -F files=@hw1.ipynb");
        }
        return new Upload(files, fields);
    }

    /** A value given in the query or in the upload's form; both may be used, but not with different values. */
    private static Optional<String> field(ServerRequest req, Upload upload, String name) {
        Optional<String> query = Params.query(req, name);
        Optional<String> form = Optional.ofNullable(upload.fields().get(name));
        if (query.isPresent() && form.isPresent() && !query.get().equals(form.get())) {
            throw ApiException.badRequest("'" + name + "' is given in the query and in the form with different values");
        }
        return query.or(() -> form);
    }

    private static byte[] readBody(ServerRequest req, long limit) {
        long declared;
        try {
            declared = req.headers().first(HeaderNames.CONTENT_LENGTH).map(v -> Long.parseLong(v.trim())).orElse(0L);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("Content-Length is not a number");
        }
        if (declared > limit) {
            throw Archives.tooLarge(limit);
        }
        try (InputStream in = req.content().inputStream()) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (bytes.length > limit) {
                throw Archives.tooLarge(limit);
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
