package io.meridian.hub.courses;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.hub.TestHub;
import io.meridian.hub.TestHub.Response;
import io.meridian.hub.web.Json;
import io.meridian.hub.courses.CourseCalls.FormPart;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

import static io.meridian.hub.courses.CourseCalls.csv;
import static io.meridian.hub.courses.CourseCalls.form;
import static io.meridian.hub.courses.CourseCalls.send;
import static io.meridian.hub.courses.CourseCalls.upload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Courses on the local spawner, through the hub's HTTP API: who may do what (admins, instructors of this
 * course and of another, students, outsiders), roster imports, the hub's exchange of assignment files,
 * quotas, instructors opening their students' course servers, multipart uploads, cancelled jobs and deleted
 * courses. Every answer of the course API is checked against platform-api.yaml on the way.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CourseApiTest {
    private static final CourseApiSpec SPEC = new CourseApiSpec();
    private static TestHub hub;
    private static String instructorA;
    private static String instructorB;
    private static String studentA;
    private static String studentB;
    private static String outsider;

    @BeforeAll
    static void startHubWithTwoCourses() {
        hub = TestHub.start(TestHub.tempDir(), Map.of(), 20, 60, 0, """
                courses:
                  max_upload_bytes: 65536
                  max_submission_bytes: 16384
                """);
        hub.checkEveryResponse(SPEC::check);
        instructorA = hub.userWithToken("crs-ia");
        instructorB = hub.userWithToken("crs-ib");
        studentA = hub.userWithToken("crs-sa");
        studentB = hub.userWithToken("crs-sb");
        outsider = hub.userWithToken("crs-out");
        createCourse("crs-a", "crs-ia", "{}");
        createCourse("crs-b", "crs-ib", "{}");
        assertEquals(200, csv(hub, "crs-a", instructorA, "", "username,email,name\ncrs-sa,sa@example.org,Sam A\n").status());
        assertEquals(200, csv(hub, "crs-b", instructorB, "", "username,email,name\ncrs-sb,,\n").status());
    }

    @AfterAll
    static void stopHub() {
        hub.stopAllServers();
        hub.close();
    }

    @Test
    void onlyAdminsCreateAndDeleteCoursesAndBadInputChangesNothing() {
        String body = Json.write(Map.of("name", "crs-new", "instructors", List.of("crs-ia")));
        assertEquals(403, hub.post("/api/v1/courses", instructorA, body).status());
        assertEquals(403, hub.post("/api/v1/courses", studentA, body).status());
        Response badName = hub.admin("POST", "/api/v1/courses", Json.write(Map.of("name", "Bad_Name", "instructors", List.of("crs-ia"))));
        assertEquals(400, badName.status(), badName.body());
        assertTrue(badName.json().get("message").asText().startsWith("invalid course name"), badName.body());
        Response unknown = hub.admin("POST", "/api/v1/courses", Json.write(Map.of("name", "crs-new", "instructors",
                List.of("crs-ia"), "color", "red")));
        assertEquals(400, unknown.status(), unknown.body());
        Response profile = hub.admin("POST", "/api/v1/courses", Json.write(Map.of("name", "crs-new", "instructors",
                List.of("crs-ia"), "profile", "gpu")));
        assertEquals(400, profile.status(), profile.body());
        assertTrue(profile.json().get("message").asText().contains("unknown profile 'gpu'"), profile.body());
        Response noData = hub.admin("POST", "/api/v1/courses", Json.write(Map.of("name", "crs-new", "instructors",
                List.of("crs-ia"), "dataPath", "/no/such/folder")));
        assertEquals(400, noData.status(), noData.body());
        assertEquals(404, hub.admin("GET", "/api/v1/courses/crs-new", null).status(), "nothing was created");
        assertEquals(409, hub.admin("POST", "/api/v1/courses", Json.write(Map.of("name", "crs-a", "instructors",
                List.of("crs-ia")))).status());

        assertEquals(201, hub.admin("POST", "/api/v1/courses", body).status());
        assertEquals(403, hub.call("DELETE", "/api/v1/courses/crs-new", instructorA, null).status());
        assertEquals(204, hub.admin("DELETE", "/api/v1/courses/crs-new", null).status());
        assertEquals(404, hub.admin("GET", "/api/v1/courses/crs-new", null).status());
    }

    @Test
    void aStudentCannotActAsInstructor() throws IOException {
        assertEquals(201, upload(hub, "crs-a", instructorA, "?name=perm", Map.of("a.txt", "x")).status());
        for (Response r : instructorCalls("crs-a", "perm", studentA)) {
            assertEquals(403, r.status(), r.raw().request().method() + " " + r.raw().uri() + ": " + r.body());
            assertTrue(r.json().get("message").asText().contains("only"), r.body());
        }
        JsonNode course = hub.get("/api/v1/courses/crs-a", studentA).json();
        assertEquals("student", course.get("role").asText());
        assertEquals(1, course.get("students").asInt(), "the roster is unchanged: " + course);
        assertFalse(Files.exists(home("crs-sa").resolve("courses/crs-a/perm")), "nothing was distributed");
    }

    @Test
    void anInstructorOfOneCourseCannotTouchAnotherCourse() {
        assertEquals(201, upload(hub, "crs-b", instructorB, "?name=hw", Map.of("a.txt", "x")).status());
        for (Response r : instructorCalls("crs-b", "hw", instructorA)) {
            assertEquals(404, r.status(), r.raw().request().method() + " " + r.raw().uri() + ": " + r.body());
        }
        assertEquals(404, hub.get("/api/v1/courses/crs-b/assignments/hw/submissions/crs-sb", instructorA).status());
        assertEquals(404, hub.post("/api/v1/courses/crs-b/server", instructorA, null).status());
        assertEquals(1, hub.get("/api/v1/courses/crs-b", instructorB).json().get("students").asInt());
    }

    @Test
    void outsidersSeeNoCourseAndAdminsSeeAll() {
        assertEquals(0, hub.get("/api/v1/courses", outsider).json().get("courses").size());
        assertEquals(404, hub.get("/api/v1/courses/crs-a", outsider).status());
        assertEquals(404, hub.get("/api/v1/courses/crs-a/assignments", outsider).status());
        assertEquals(404, hub.post("/api/v1/courses/crs-a/assignments/perm/submit", outsider, null).status());
        assertEquals(404, hub.get("/api/v1/courses/crs-nope", outsider).status());
        assertEquals(401, hub.get("/api/v1/courses", null).status());

        List<String> studentsCourses = new ArrayList<>();
        hub.get("/api/v1/courses", studentB).json().get("courses")
                .forEach(c -> studentsCourses.add(c.get("name").asText() + ":" + c.get("role").asText()));
        assertEquals(List.of("crs-b:student"), studentsCourses);
        assertEquals("admin", hub.admin("GET", "/api/v1/courses/crs-b", null).json().get("role").asText());
        Response students = hub.admin("GET", "/api/v1/courses/crs-b/students", null);
        assertEquals(200, students.status(), students.body());
        assertEquals("crs-sb", students.json().at("/students/0/username").asText());
        assertEquals(201, hub.admin("PUT", "/api/v1/courses/crs-b/students/crs-sb2", "{}").status(), "admins manage any course");
        assertEquals(204, hub.admin("DELETE", "/api/v1/courses/crs-b/students/crs-sb2", null).status());
    }

    @Test
    void rosterCsvWithBadRowsIsRefusedByLineAndReimportsReportWhatChanged() {
        createCourse("crs-r", "crs-ia", "{}");
        Response bad = csv(hub, "crs-r", instructorA, "", """
                username,email,name
                crs-r1,r1@example.org,Ann
                Bad Name,x@example.org,Bob
                crs-r2,only-two-fields
                crs-r1,again@example.org,Ann again
                crs-r3,not-an-address,Cy
                """);
        assertEquals(400, bad.status(), bad.body());
        String message = bad.json().get("message").asText();
        for (String line : List.of("line 3", "line 4", "line 5", "line 6")) {
            assertTrue(message.contains(line + ":"), line + " reported: " + message);
        }
        assertFalse(message.contains("line 2:"), message);
        assertEquals(404, hub.admin("GET", "/hub/api/users/crs-r1", null).status(), "no user was created");
        assertEquals(0, hub.get("/api/v1/courses/crs-r/students", instructorA).json().get("students").size());
        assertEquals(400, csv(hub, "crs-r", instructorA, "", "user,mail\ncrs-r1,a@b\n").status(), "header checked");

        String three = "username,email,name\ncrs-r1,r1@example.org,Ann\ncrs-r2,,\n\"crs-r3\",\"r3@example.org\",\"Cy, Jr.\"\n";
        assertEquals(Map.of("added", List.of("crs-r1", "crs-r2", "crs-r3"), "removed", List.of(), "unchanged", 0),
                change(csv(hub, "crs-r", instructorA, "", three)));
        assertEquals(Map.of("added", List.of(), "removed", List.of(), "unchanged", 3),
                change(csv(hub, "crs-r", instructorA, "", three)), "importing the same roster again changes nothing");
        assertEquals(Map.of("added", List.of(), "removed", List.of(), "unchanged", 1),
                change(csv(hub, "crs-r", instructorA, "", "username,email,name\ncrs-r2,,\n")), "add mode never removes");
        assertEquals(Map.of("added", List.of("crs-r4"), "removed", List.of("crs-r1"), "unchanged", 2),
                change(csv(hub, "crs-r", instructorA, "?mode=replace", "username,email,name\ncrs-r2,,\ncrs-r3,,\ncrs-r4,,\n")));
        List<String> names = new ArrayList<>();
        JsonNode students = hub.get("/api/v1/courses/crs-r/students", instructorA).json().get("students");
        students.forEach(s -> names.add(s.get("username").asText()));
        assertEquals(List.of("crs-r2", "crs-r3", "crs-r4"), names);
        assertEquals("Cy, Jr.", students.get(1).get("name").asText());
        assertEquals(200, hub.admin("GET", "/hub/api/users/crs-r4", null).status(), "new students became hub users");

        Response group = hub.post("/api/v1/courses/crs-r/roster", instructorA, "{\"group\": \"/courses/crs-r\"}");
        assertEquals(400, group.status(), group.body());
        assertEquals("no group directory configured: this hub takes rosters as CSV only", group.json().get("message").asText());
        assertEquals(415, send(hub, "POST", "/api/v1/courses/crs-r/roster", instructorA, "text/plain",
                "x".getBytes(StandardCharsets.UTF_8)).status());
        assertEquals(400, csv(hub, "crs-r", instructorA, "?mode=sync", "username,email,name\n").status());

        assertEquals(201, hub.call("PUT", "/api/v1/courses/crs-r/students/crs-r5", instructorA, "{\"email\": \"r5@example.org\"}").status());
        assertEquals(200, hub.call("PUT", "/api/v1/courses/crs-r/students/crs-r5", instructorA, "{}").status());
        assertEquals(400, hub.call("PUT", "/api/v1/courses/crs-r/students/crs-r6", instructorA, "{\"email\": \"nope\"}").status());
        assertEquals(409, hub.call("PUT", "/api/v1/courses/crs-r/students/crs-ia", instructorA, "{}").status());
        assertEquals(204, hub.call("DELETE", "/api/v1/courses/crs-r/students/crs-r5", instructorA, null).status());
        assertEquals(404, hub.call("DELETE", "/api/v1/courses/crs-r/students/crs-r5", instructorA, null).status());
        assertEquals(3, hub.get("/api/v1/courses/crs-r", instructorA).json().get("students").asInt());
    }

    @Test
    void assignmentsAreHandedOutSubmittedCollectedAndReturnedWithoutLosingStudentsWork() throws IOException {
        createCourse("crs-ex", "crs-ia", "{}");
        assertEquals(200, csv(hub, "crs-ex", instructorA, "", "username,email,name\ncrs-sa,,\ncrs-e2,,\n").status());
        String e2 = hub.userWithToken("crs-e2");

        Response traversal = upload(hub, "crs-ex", instructorA, "?name=hw1", Map.of("../evil.txt", "x"));
        assertEquals(400, traversal.status(), traversal.body());
        Response notArchive = send(hub, "POST", "/api/v1/courses/crs-ex/assignments?name=hw1", instructorA,
                "application/zip", "not a zip".getBytes(StandardCharsets.UTF_8));
        assertEquals(400, notArchive.status(), notArchive.body());
        assertEquals(400, upload(hub, "crs-ex", instructorA, "?name=hw1&due=tomorrow", Map.of("a", "b")).status());
        Response tooLarge = upload(hub, "crs-ex", instructorA, "?name=hw1", Map.of("big.txt", "x".repeat(70_000)));
        assertEquals(413, tooLarge.status(), tooLarge.body());
        assertEquals(0, hub.get("/api/v1/courses/crs-ex/assignments", instructorA).json().get("assignments").size());

        Response created = upload(hub, "crs-ex", instructorA, "?name=hw1&due=2020-01-01T00:00:00Z",
                Map.of("hw1.ipynb", CourseCalls.notebook("print(1)"), "data/input.csv", "a,b\n1,2\n"));
        assertEquals(201, created.status(), created.body());
        assertEquals("2020-01-01T00:00:00.000000Z", created.json().get("due").asText());
        JsonNode first = hub.post("/api/v1/courses/crs-ex/assignments/hw1/distribute", instructorA, null).json();
        assertEquals("[\"data/input.csv\",\"hw1.ipynb\"]", first.at("/students/crs-sa/copied").toString(), first.toString());
        Path handedOut = home("crs-sa").resolve("courses/crs-ex/hw1/hw1.ipynb");
        assertEquals(CourseCalls.notebook("print(1)"), Files.readString(handedOut));

        Files.writeString(handedOut, CourseCalls.notebook("print('my answer')"));
        assertEquals(200, send(hub, "PUT", "/api/v1/courses/crs-ex/assignments/hw1/files", instructorA, "application/zip",
                CourseCalls.zip(Map.of("hints.md", "read the data"))).status());
        JsonNode again = hub.post("/api/v1/courses/crs-ex/assignments/hw1/distribute", instructorA, null).json();
        assertEquals("[\"hints.md\"]", again.at("/students/crs-sa/copied").toString(), again.toString());
        assertEquals("[\"data/input.csv\",\"hw1.ipynb\"]", again.at("/students/crs-sa/skipped").toString());
        assertEquals(CourseCalls.notebook("print('my answer')"), Files.readString(handedOut), "the student's edit is kept");

        assertEquals(403, hub.post("/api/v1/courses/crs-ex/assignments/hw1/submit", instructorA, null).status());
        Response early = hub.post("/api/v1/courses/crs-ex/assignments/hw1/submit", studentA, null);
        assertEquals(201, early.status(), early.body());
        Files.writeString(home("crs-sa").resolve("courses/crs-ex/hw1/answer.txt"), "42");
        Path checkpoint = home("crs-sa").resolve("courses/crs-ex/hw1/.ipynb_checkpoints/hw1-checkpoint.ipynb");
        Files.createDirectories(checkpoint.getParent());
        Files.writeString(checkpoint, "Jupyter's copy, not submitted");
        Response latest = hub.post("/api/v1/courses/crs-ex/assignments/hw1/submit", studentA, null);
        assertEquals(201, latest.status(), latest.body());
        assertTrue(latest.json().get("late").asBoolean(), "due in 2020: " + latest.body());
        assertEquals(4, latest.json().get("files").asInt());
        Files.writeString(home("crs-e2").resolve("courses/crs-ex/hw1/hw1.ipynb"), CourseCalls.notebook("print('e2')"));
        assertEquals(201, hub.post("/api/v1/courses/crs-ex/assignments/hw1/submit", e2, null).status());

        assertEquals(2, hub.get("/api/v1/courses/crs-ex/assignments/hw1/submissions/crs-sa", studentA).json().get("submissions").size());
        assertEquals(404, hub.get("/api/v1/courses/crs-ex/assignments/hw1/submissions/crs-sa", e2).status());
        assertEquals(403, hub.get("/api/v1/courses/crs-ex/assignments/hw1/submissions", e2).status());

        for (int round = 0; round < 2; round++) {
            Response collect = hub.post("/api/v1/courses/crs-ex/assignments/hw1/collect", instructorA, null);
            assertEquals(200, collect.status(), collect.body());
            assertEquals(2, collect.json().get("collected").size(), collect.body());
        }
        Path collected = home("crs-ia").resolve("courses/crs-ex/collected/hw1");
        try (var students = Files.list(collected)) {
            assertEquals(List.of("crs-e2", "crs-sa", "manifest.json"), students.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertEquals(CourseCalls.notebook("print('my answer')"), Files.readString(collected.resolve("crs-sa/hw1.ipynb")));
        assertEquals("42", Files.readString(collected.resolve("crs-sa/answer.txt")), "the latest submission wins");
        JsonNode manifest = Json.MAPPER.readTree(collected.resolve("manifest.json").toFile());
        assertEquals(2, manifest.get("submissions").size(), manifest.toString());
        assertTrue(manifest.at("/submissions/0/late").asBoolean(), manifest.toString());

        Path feedback = home("crs-ia").resolve("courses/crs-ex/feedback/hw1/crs-sa/notes.md");
        Files.createDirectories(feedback.getParent());
        Files.writeString(feedback, "well done");
        JsonNode returned = hub.post("/api/v1/courses/crs-ex/assignments/hw1/feedback", instructorA, null).json();
        assertEquals("[\"notes.md\"]", returned.at("/students/crs-sa/copied").toString(), returned.toString());
        assertEquals("[]", returned.at("/students/crs-e2/copied").toString(), returned.toString());
        assertEquals("well done", Files.readString(home("crs-sa").resolve("courses/crs-ex/hw1/feedback/notes.md")));

        JsonNode mine = hub.get("/api/v1/courses/crs-ex/assignments", studentA).json().at("/assignments/0");
        assertEquals("hw1", mine.get("name").asText());
        assertTrue(mine.get("distributed").asBoolean());
        assertTrue(mine.get("late").asBoolean());
        assertTrue(mine.get("feedback").asBoolean());
        assertFalse(mine.get("submittedAt").isNull(), mine.toString());
        assertFalse(hub.get("/api/v1/courses/crs-ex/assignments", e2).json().at("/assignments/0/feedback").asBoolean());

        Files.writeString(home("crs-sa").resolve("courses/crs-ex/hw1/big.bin"), "x".repeat(20_000));
        Response bigSubmission = hub.post("/api/v1/courses/crs-ex/assignments/hw1/submit", studentA, null);
        assertEquals(413, bigSubmission.status(), bigSubmission.body());
        assertEquals(2, hub.get("/api/v1/courses/crs-ex/assignments/hw1/submissions/crs-sa", studentA).json()
                .get("submissions").size(), "a refused submission is not recorded");

        JsonNode audit = hub.admin("GET", "/api/v1/admin/audit?actor=crs-ia", null).json().get("entries");
        assertTrue(audit.toString().contains("/api/v1/courses/crs-ex/assignments/hw1/distribute"), audit.toString());
    }

    @Test
    void instructorsOpenExactlyTheirStudentsCourseServersAndTheFirstUseIsAudited() {
        Response start = hub.post("/api/v1/courses/crs-a/server", studentA, null);
        assertTrue(start.status() == 201 || start.status() == 202, start.status() + " " + start.body());
        assertEquals("/user/crs-sa/crs-a/", start.json().get("url").asText());
        waitFor(() -> hub.get("/user/crs-sa/crs-a/api/status", studentA).status() == 200);

        for (int i = 0; i < 3; i++) {
            assertEquals(200, hub.get("/user/crs-sa/crs-a/api/status", instructorA).status());
        }
        assertEquals(403, hub.get("/user/crs-sa/crs-a/api/status", instructorB).status());
        assertEquals(403, hub.get("/user/crs-sa/crs-a/api/status", studentB).status());
        assertEquals(403, hub.get("/user/crs-sa/api/status", instructorA).status(), "not the student's other servers");
        JsonNode opened = hub.admin("GET", "/api/v1/admin/audit?actor=crs-ia", null).json().get("entries");
        long openings = 0;
        for (JsonNode e : opened) {
            if (e.get("method").asText().equals("OPEN") && e.get("path").asText().equals("/user/crs-sa/crs-a/")) {
                openings++;
            }
        }
        assertEquals(1, openings, "one audit entry per token and server: " + opened);

        JsonNode students = hub.get("/api/v1/courses/crs-a/students", instructorA).json();
        assertEquals("ready", students.at("/students/0/server/state").asText(), students.toString());
        assertEquals(202, hub.call("DELETE", "/api/v1/courses/crs-a/server", studentA, null).status());
        waitFor(() -> hub.get("/user/crs-sa/crs-a/api/status", studentA).status() != 200);
    }

    @Test
    void aCourseServerSeesTheSharedDataAndTheCourseRefusesServersBeyondItsQuota() {
        createCourse("crs-q", "crs-ia", "{\"maxServers\": 1}");
        assertEquals(200, csv(hub, "crs-q", instructorA, "", "username,email,name\ncrs-q1,,\ncrs-q2,,\n").status());
        String q1 = hub.userWithToken("crs-q1");
        String q2 = hub.userWithToken("crs-q2");
        Response data = send(hub, "PUT", "/api/v1/courses/crs-q/data", instructorA, "application/zip",
                CourseCalls.zip(Map.of("notes/d.txt", "shared")));
        assertEquals(200, data.status(), data.body());
        assertEquals("~/crs-q-data", data.json().get("mountedAt").asText());
        Response first = hub.post("/api/v1/courses/crs-q/server", q1, null);
        assertTrue(first.status() == 201 || first.status() == 202, first.body());
        waitFor(() -> hub.get("/user/crs-q1/crs-q/api/status", q1).status() == 200);
        Response shared = hub.get("/user/crs-q1/crs-q/api/contents/crs-q-data/notes/d.txt?type=file&format=text", q1);
        assertEquals(200, shared.status(), shared.body());
        assertEquals("shared", shared.json().get("content").asText(), "the course data is linked into the home");
        Response second = hub.post("/api/v1/courses/crs-q/server", q2, null);
        assertEquals(409, second.status(), second.body());
        assertTrue(second.json().get("message").asText().contains("its quota"), second.body());
        Response direct = hub.post("/hub/api/users/crs-q2/servers/crs-q", q2, null);
        assertEquals(409, direct.status(), "the hub API honours the course quota too: " + direct.body());

        Response job = hub.call("DELETE", "/api/v1/courses/crs-q/servers", instructorA, null);
        assertEquals(202, job.status(), job.body());
        String id = job.json().get("id").asText();
        waitFor(() -> hub.get("/api/v1/courses/crs-q/jobs/" + id, instructorA).json().get("done").asBoolean());
        JsonNode done = hub.get("/api/v1/courses/crs-q/jobs/" + id, instructorA).json();
        assertEquals("stopped", done.at("/students/crs-q1/state").asText(), done.toString());
    }

    @Test
    void assignmentsUploadAsAMultipartFormAndABadPartStoresNothing() throws IOException {
        createCourse("crs-mp", "crs-ia", "{}");
        String base = "/api/v1/courses/crs-mp/assignments";
        FormPart notebook = FormPart.file("hw.ipynb", CourseCalls.notebook("print(2)"));

        Response traversal = form(hub, "POST", base, instructorA, List.of(FormPart.field("name", "mp1"), notebook,
                FormPart.file("../evil.txt", "x")));
        assertEquals(400, traversal.status(), traversal.body());
        assertTrue(traversal.json().get("message").asText().startsWith("part 3 ('files'): file name '../evil.txt' refused"),
                traversal.body());
        Response unknown = form(hub, "POST", base, instructorA, List.of(FormPart.field("name", "mp1"),
                FormPart.field("color", "red"), notebook));
        assertEquals(400, unknown.status(), unknown.body());
        assertTrue(unknown.json().get("message").asText().startsWith("part 2 ('color') is not a file"), unknown.body());
        Response twice = form(hub, "POST", base, instructorA, List.of(FormPart.field("name", "mp1"), notebook, notebook));
        assertEquals(400, twice.status(), twice.body());
        assertTrue(twice.json().get("message").asText().contains("part 3"), twice.body());
        Response noFiles = form(hub, "POST", base, instructorA, List.of(FormPart.field("name", "mp1")));
        assertEquals(400, noFiles.status(), noFiles.body());
        Response badDue = form(hub, "POST", base, instructorA, List.of(FormPart.field("name", "mp1"),
                FormPart.field("due", "friday"), notebook));
        assertEquals(400, badDue.status(), badDue.body());
        Response twoNames = form(hub, "POST", base + "?name=mp9", instructorA, List.of(FormPart.field("name", "mp1"), notebook));
        assertEquals(400, twoNames.status(), twoNames.body());
        Response tooLarge = form(hub, "POST", base, instructorA, List.of(FormPart.field("name", "mp1"),
                FormPart.file("big.bin", "x".repeat(70_000))));
        assertEquals(413, tooLarge.status(), tooLarge.body());
        byte[] whole = CourseCalls.multipart("b0undary", List.of(FormPart.field("name", "mp1"), notebook));
        Response truncated = send(hub, "POST", base, instructorA, "multipart/form-data; boundary=b0undary",
                Arrays.copyOf(whole, whole.length - 20));
        assertEquals(400, truncated.status(), truncated.body());
        assertTrue(truncated.json().get("message").asText().contains("closing boundary"), truncated.body());
        Response noBoundary = send(hub, "POST", base, instructorA, "multipart/form-data", whole);
        assertEquals(400, noBoundary.status(), noBoundary.body());
        Response noDisposition = send(hub, "POST", base, instructorA, "multipart/form-data; boundary=b",
                "--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--\r\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(400, noDisposition.status(), noDisposition.body());
        assertTrue(noDisposition.json().get("message").asText().startsWith("part 1 has no Content-Disposition"), noDisposition.body());
        assertEquals(0, hub.get(base, instructorA).json().get("assignments").size(), "no refused form created anything");
        assertFalse(Files.exists(hub.dataDir().resolve("courses/crs-mp/assignments")), "no file was stored");

        Response created = form(hub, "POST", base, instructorA, List.of(FormPart.field("name", "mp1"),
                FormPart.field("due", "2030-01-01T12:00:00+01:00"), notebook, FormPart.file("data/in.csv", "a\n1\n"),
                new FormPart("files", "", new byte[0])));
        assertEquals(201, created.status(), created.body());
        assertEquals("2030-01-01T11:00:00.000000Z", created.json().get("due").asText());
        assertEquals("[\"data/in.csv\",\"hw.ipynb\"]", created.json().get("files").toString());
        Path stored = hub.dataDir().resolve("courses/crs-mp/assignments/mp1");
        assertEquals(CourseCalls.notebook("print(2)"), Files.readString(stored.resolve("hw.ipynb")));
        assertEquals("a\n1\n", Files.readString(stored.resolve("data/in.csv")));

        Response added = form(hub, "PUT", base + "/mp1/files", instructorA, List.of(FormPart.file("hints.md", "read")));
        assertEquals(200, added.status(), added.body());
        assertEquals(3, added.json().get("files").size(), added.body());
        assertEquals(400, form(hub, "PUT", base + "/mp1/files", instructorA,
                List.of(FormPart.field("name", "mp1"), FormPart.file("more.md", "m"))).status(), "PUT takes files only");
    }

    @Test
    void curlFormUploadsCreateAnAssignment() throws IOException, InterruptedException {
        createCourse("crs-curl", "crs-ia", "{}");
        Path dir = Files.createTempDirectory("crs-curl");
        Files.writeString(dir.resolve("hw.ipynb"), CourseCalls.notebook("print(3)"));
        Process curl = new ProcessBuilder("curl", "-s", "-o", dir.resolve("answer.json").toString(), "-w", "%{http_code}",
                "-H", "Authorization: token " + instructorA,
                "-F", "name=cu1", "-F", "due=2030-02-01T00:00:00Z",
                "-F", "files=@" + dir.resolve("hw.ipynb"), "-F", "files=@" + dir.resolve("hw.ipynb") + ";filename=copy/hw.ipynb",
                hub.url("/api/v1/courses/crs-curl/assignments")).redirectErrorStream(true).start();
        String status = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, curl.waitFor());
        String answer = Files.readString(dir.resolve("answer.json"));
        assertEquals("201", status, answer);
        JsonNode assignment = Json.MAPPER.readTree(answer);
        assertEquals("[\"copy/hw.ipynb\",\"hw.ipynb\"]", assignment.get("files").toString());
        assertEquals("2030-02-01T00:00:00.000000Z", assignment.get("due").asText());
        assertEquals(CourseCalls.notebook("print(3)"),
                Files.readString(hub.dataDir().resolve("courses/crs-curl/assignments/cu1/copy/hw.ipynb")));
    }

    @Test
    void aRestartedHubFinishesTheStartsItHadNotReached() {
        Path data = TestHub.tempDir();
        String teacher;
        String path;
        // One start at a time, and the hub closed at once: the job is left with students still queued.
        try (TestHub first = TestHub.start(data, Map.of(), 1, 60)) {
            teacher = first.userWithToken("crs-rt");
            Response course = first.admin("POST", "/api/v1/courses", "{\"name\": \"crs-restart\", \"instructors\": [\"crs-rt\"]}");
            assertEquals(201, course.status(), course.body());
            assertEquals(200, csv(first, "crs-restart", teacher, "", "username,email,name\ncrs-r1,,\ncrs-r2,,\ncrs-r3,,\n").status());
            Response job = first.post("/api/v1/courses/crs-restart/servers", teacher, null);
            assertEquals(202, job.status(), job.body());
            path = "/api/v1/courses/crs-restart/jobs/" + job.json().get("id").asText();
        }
        try (TestHub second = TestHub.start(data, Map.of(), 1, 60)) {
            second.checkEveryResponse(SPEC::check);
            JsonNode taken = second.get(path, teacher).json();
            assertEquals("start", taken.get("action").asText(), "the restarted hub knows the job: " + taken);
            waitFor(() -> second.get(path, teacher).json().get("done").asBoolean());
            JsonNode done = second.get(path, teacher).json();
            assertEquals(3, done.at("/counts/ready").asInt(), "every student's server started: " + done);
            for (String student : List.of("crs-r1", "crs-r2", "crs-r3")) {
                assertTrue(second.admin("GET", "/hub/api/users/" + student, null).json()
                        .at("/servers/crs-restart/ready").asBoolean(), student);
            }
            second.stopAllServers();
        }
    }

    @Test
    void aCancelledJobSkipsTheStudentsWhoseTurnHasNotCome() {
        // One start at a time, so the students after the first are still queued when the cancel arrives.
        try (TestHub oneAtATime = TestHub.start(TestHub.tempDir(), Map.of(), 1, 60)) {
            oneAtATime.checkEveryResponse(SPEC::check);
            String teacher = oneAtATime.userWithToken("crs-jt");
            Response course = oneAtATime.admin("POST", "/api/v1/courses",
                    "{\"name\": \"crs-jobs\", \"instructors\": [\"crs-jt\"]}");
            assertEquals(201, course.status(), course.body());
            assertEquals(200, csv(oneAtATime, "crs-jobs", teacher, "",
                    "username,email,name\ncrs-j1,,\ncrs-j2,,\ncrs-j3,,\ncrs-j4,,\n").status());

            Response job = oneAtATime.post("/api/v1/courses/crs-jobs/servers", teacher, null);
            assertEquals(202, job.status(), job.body());
            String path = "/api/v1/courses/crs-jobs/jobs/" + job.json().get("id").asText();
            Response busy = oneAtATime.admin("DELETE", "/api/v1/courses/crs-jobs", null);
            assertEquals(409, busy.status(), busy.body());
            assertTrue(busy.json().get("message").asText().contains("jobs running: [" + job.json().get("id").asText() + "]"),
                    busy.body());
            Response cancelled = oneAtATime.call("DELETE", path, teacher, null);
            assertEquals(200, cancelled.status(), cancelled.body());
            assertTrue(cancelled.json().get("cancelled").asBoolean(), cancelled.body());
            waitFor(() -> oneAtATime.get(path, teacher).json().get("done").asBoolean());

            JsonNode done = oneAtATime.get(path, teacher).json();
            assertTrue(done.at("/counts/cancelled").asInt() >= 3, "at most the first student had started: " + done);
            JsonNode students = oneAtATime.get("/api/v1/courses/crs-jobs/students", teacher).json().get("students");
            for (JsonNode student : students) {
                String state = done.at("/students/" + student.get("username").asText() + "/state").asText();
                if (state.equals("cancelled")) {
                    assertTrue(student.get("server").isNull() || student.at("/server/state").asText().equals("stopped"),
                            "a skipped student has no server running: " + student);
                }
            }
            Response again = oneAtATime.call("DELETE", path, teacher, null);
            assertEquals(409, again.status(), again.body());
            assertEquals(404, oneAtATime.call("DELETE", "/api/v1/courses/crs-jobs/jobs/no-such-job", teacher, null).status());
            String student = oneAtATime.userWithToken("crs-j1");
            assertEquals(403, oneAtATime.call("DELETE", path, student, null).status());
            assertEquals(204, oneAtATime.admin("DELETE", "/api/v1/courses/crs-jobs?stop=true", null).status());
            JsonNode servers = oneAtATime.admin("GET", "/hub/api/users/crs-j1", null).json().path("servers");
            assertFalse(servers.path("crs-jobs").path("ready").asBoolean(), "deleting stopped the started server: " + servers);
            oneAtATime.stopAllServers();
        }
    }

    @Test
    void deletingACourseRefusesWhileItsServersRunThenStopsThemAndRemovesOnlyTheHubsCopies() throws IOException {
        createCourse("crs-del", "crs-ia", "{}");
        assertEquals(200, csv(hub, "crs-del", instructorA, "", "username,email,name\ncrs-d1,,\n").status());
        String d1 = hub.userWithToken("crs-d1");
        assertEquals(201, upload(hub, "crs-del", instructorA, "?name=hw", Map.of("old.txt", "old")).status());
        assertEquals(200, hub.post("/api/v1/courses/crs-del/assignments/hw/distribute", instructorA, null).status());
        assertEquals(201, hub.post("/api/v1/courses/crs-del/assignments/hw/submit", d1, null).status());
        assertEquals(200, send(hub, "PUT", "/api/v1/courses/crs-del/data", instructorA, "application/zip",
                CourseCalls.zip(Map.of("d.txt", "shared"))).status());
        Response start = hub.post("/api/v1/courses/crs-del/server", d1, null);
        assertTrue(start.status() == 201 || start.status() == 202, start.body());
        waitFor(() -> hub.get("/user/crs-d1/crs-del/api/status", d1).status() == 200);

        Response refused = hub.admin("DELETE", "/api/v1/courses/crs-del", null);
        assertEquals(409, refused.status(), refused.body());
        assertTrue(refused.json().get("message").asText().contains("course servers running: [crs-d1]"), refused.body());
        assertEquals(400, hub.admin("DELETE", "/api/v1/courses/crs-del?stop=yes", null).status());
        assertEquals(200, hub.get("/user/crs-d1/crs-del/api/status", d1).status(), "the refused delete stopped nothing");
        assertEquals(201, hub.admin("PUT", "/api/v1/courses/crs-del/instructors/crs-id2", null).status());
        assertEquals(200, hub.admin("PUT", "/api/v1/courses/crs-del/instructors/crs-id2", null).status());
        assertEquals(204, hub.admin("DELETE", "/api/v1/courses/crs-del/instructors/crs-id2", null).status());
        assertEquals(404, hub.admin("DELETE", "/api/v1/courses/crs-del/instructors/crs-id2", null).status());

        Response deleted = hub.admin("DELETE", "/api/v1/courses/crs-del?stop=true", null);
        assertEquals(204, deleted.status(), deleted.body());
        assertEquals(404, hub.get("/api/v1/courses/crs-del", instructorA).status());
        assertTrue(hub.get("/user/crs-d1/crs-del/api/status", d1).status() != 200, "the course server was stopped");
        assertFalse(Files.exists(hub.dataDir().resolve("courses/crs-del")), "assignments, submissions and data are gone");
        assertEquals("old", Files.readString(home("crs-d1").resolve("courses/crs-del/hw/old.txt")), "the home is the student's");

        createCourse("crs-del", "crs-ia", "{}");
        Response fresh = upload(hub, "crs-del", instructorA, "?name=hw", Map.of("new.txt", "new"));
        assertEquals(201, fresh.status(), "the old assignment is gone: " + fresh.body());
        assertEquals("[\"new.txt\"]", fresh.json().get("files").toString(), "no file of the deleted course came back");
        assertEquals(204, hub.admin("DELETE", "/api/v1/courses/crs-del", null).status(), "no server runs: no stop needed");
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void everyDocumentedCourseOperationWasAnsweredAsDocumented() {
        assertEquals(Set.of(), SPEC.unanswered(), "operations of platform-api.yaml that no test called");
    }

    // ---- helpers

    static void waitFor(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 90 s");
            }
            TestHub.sleep(200);
        }
    }

    private static void createCourse(String name, String instructor, String quota) {
        Response created = hub.admin("POST", "/api/v1/courses", "{\"name\": \"" + name + "\", \"title\": \"Course " + name
                + "\", \"instructors\": [\"" + instructor + "\"], \"quota\": " + quota + "}");
        assertEquals(201, created.status(), created.body());
    }

    private static Path home(String user) {
        return hub.dataDir().resolve("users").resolve(user);
    }

    private static Map<String, Object> change(Response r) {
        assertEquals(200, r.status(), r.body());
        Map<String, Object> change = new LinkedHashMap<>();
        JsonNode json = r.json();
        change.put("added", names(json.get("added")));
        change.put("removed", names(json.get("removed")));
        change.put("unchanged", json.get("unchanged").asInt());
        return change;
    }

    private static List<String> names(JsonNode array) {
        List<String> names = new ArrayList<>();
        array.forEach(n -> names.add(n.asText()));
        return names;
    }

    /** Every instructor-only call on a course, made with {@code token}. */
    private static List<Response> instructorCalls(String course, String assignment, String token) {
        String base = "/api/v1/courses/" + course;
        String a = base + "/assignments/" + assignment;
        return List.of(
                hub.call("PATCH", base, token, "{\"title\": \"taken over\"}"),
                hub.get(base + "/students", token),
                csv(hub, course, token, "", "username,email,name\ncrs-sneaky,,\n"),
                hub.call("PUT", base + "/students/crs-sneaky", token, "{}"),
                hub.call("DELETE", base + "/students/crs-sa", token, null),
                send(hub, "PUT", base + "/data", token, "application/zip", CourseCalls.zip(Map.of("d.txt", "d"))),
                hub.post(base + "/servers", token, null),
                hub.call("DELETE", base + "/servers", token, null),
                hub.get(base + "/jobs/some-job", token),
                upload(hub, course, token, "?name=sneaky", Map.of("a.txt", "a")),
                send(hub, "PUT", a + "/files", token, "application/zip", CourseCalls.zip(Map.of("b.txt", "b"))),
                hub.call("PATCH", a, token, "{\"due\": \"2030-01-01T00:00:00Z\"}"),
                hub.post(a + "/distribute", token, null),
                hub.get(a + "/submissions", token),
                hub.post(a + "/collect", token, null),
                hub.post(a + "/feedback", token, null),
                hub.call("PUT", base + "/instructors/crs-out", token, null),
                hub.call("DELETE", base, token, null));
    }
}
