package io.meridian.hub.courses;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.hub.DockerCli;
import io.meridian.hub.TestHub;
import io.meridian.hub.TestHub.Response;
import io.meridian.hub.web.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.meridian.hub.DockerCli.docker;

/**
 * A class of thirty on Docker with the real notebook image, driven only through the hub's HTTP API: roster,
 * every server started at once, an assignment handed out, each student editing the notebook in their own
 * JupyterLab through the hub's proxy and submitting, the instructor collecting; nobody reaching another
 * student's server or submission; a second hand-out keeping every edit; shared data mounted read-only.
 */
class CourseDockerIT {
    private static final String IMAGE = "meridian/notebook:latest";
    private static final String RUN = UUID.randomUUID().toString().substring(0, 6);
    private static final String HUB_ID = "crs-hub-" + RUN;
    private static final String NETWORK = "crs-net-" + RUN;
    private static final String COURSE = "crs-dock";
    private static final String INSTRUCTOR = "crs-dins";
    private static final List<String> STUDENTS = IntStream.rangeClosed(1, 30).mapToObj(i -> String.format("crs-s%02d", i)).toList();

    private static TestHub hub;

    @BeforeAll
    static void hubOnDocker() {
        String image = docker("image", "inspect", "--format", "{{.Id}}", IMAGE);
        assertTrue(image.startsWith("sha256:"), "the notebook image is needed (images/build.sh): " + image);
        hub = TestHub.start(TestHub.tempDir(), Map.of(), 30, 300, 0, """
                spawner: docker
                docker:
                  network: %s
                  hub_id: %s
                  pre_pull: false
                  profiles:
                    - name: course
                      display_name: Course (half a core, 400 MiB)
                      image: %s
                      cpus: 0.5
                      memory: 400M
                """.formatted(NETWORK, HUB_ID, IMAGE));
    }

    @AfterAll
    static void removeContainersVolumesAndNetwork() {
        if (hub != null) {
            hub.close();
        }
        DockerCli.removeHubResources(HUB_ID, NETWORK);
    }

    @Test
    void thirtyStudentsGetTheirAssignmentEditItInTheirOwnServerSubmitAndAreCollectedExactlyOnce() throws Exception {
        Path shared = Files.createDirectories(hub.dataDir().resolve("shared-" + COURSE));
        Files.writeString(shared.resolve("readme.txt"), "course data");
        String instructor = hub.userWithToken(INSTRUCTOR);
        Response overQuota = hub.admin("POST", "/api/v1/courses", Json.write(Map.of("name", COURSE, "instructors",
                List.of(INSTRUCTOR), "profile", "course", "quota", Map.of("cpus", 0.25))));
        assertEquals(400, overQuota.status(), overQuota.body());
        assertEquals("profile course asks for 0.5 CPUs; the course quota allows 0.25 per server",
                overQuota.json().get("message").asText());
        Response unknownProfile = hub.admin("POST", "/api/v1/courses", Json.write(Map.of("name", COURSE, "instructors",
                List.of(INSTRUCTOR), "profile", "huge")));
        assertEquals(400, unknownProfile.status(), unknownProfile.body());
        Response created = hub.admin("POST", "/api/v1/courses", Json.write(Map.of("name", COURSE, "title", "Docker class",
                "instructors", List.of(INSTRUCTOR), "profile", "course", "dataPath", shared.toString(),
                "quota", Map.of("maxServers", 30, "cpus", 1, "memoryBytes", 512L << 20, "gpus", 0))));
        assertEquals(201, created.status(), created.body());

        String roster = "username,email,name\n" + STUDENTS.stream().map(s -> s + "," + s + "@example.org,Student " + s)
                .collect(Collectors.joining("\n"));
        JsonNode imported = CourseCalls.csv(hub, COURSE, instructor, "", roster).json();
        assertEquals(30, imported.get("added").size(), imported.toString());
        Map<String, String> tokens = STUDENTS.stream().collect(Collectors.toMap(s -> s, CourseDockerIT::tokenOf));

        JsonNode started = runJob(instructor, "POST");
        assertEquals(Map.of("ready", 30), counts(started), started.toString());

        Response upload = CourseCalls.upload(hub, COURSE, instructor, "?name=hw1&due=2099-01-01T00:00:00Z",
                Map.of("hw1.ipynb", CourseCalls.notebook("answer = None"), "data.csv", "x,y\n1,2\n"));
        assertEquals(201, upload.status(), upload.body());
        JsonNode handedOut = hub.post("/api/v1/courses/" + COURSE + "/assignments/hw1/distribute", instructor, null).json();
        for (String s : STUDENTS) {
            assertEquals("[\"data.csv\",\"hw1.ipynb\"]", handedOut.at("/students/" + s + "/copied").toString(), handedOut.toString());
        }

        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> work = new ArrayList<>();
            for (String s : STUDENTS) {
                work.add(pool.submit(() -> editAndSubmit(s, tokens.get(s))));
            }
            for (Future<?> w : work) {
                w.get();
            }
        }

        String s01 = tokens.get("crs-s01");
        assertEquals(403, hub.get("/user/crs-s02/" + COURSE + "/api/contents/courses", s01).status());
        assertEquals(404, hub.get("/api/v1/courses/" + COURSE + "/assignments/hw1/submissions/crs-s02", s01).status());
        assertEquals(403, hub.get("/api/v1/courses/" + COURSE + "/assignments/hw1/submissions", s01).status());
        assertEquals(403, hub.post("/api/v1/courses/" + COURSE + "/assignments/hw1/collect", s01, null).status());
        Response data = hub.get("/user/crs-s01/" + COURSE + "/api/contents/" + COURSE + "-data/readme.txt?type=file&format=text", s01);
        assertEquals(200, data.status(), data.body());
        assertEquals("course data", data.json().get("content").asText());
        Response write = hub.call("PUT", "/user/crs-s01/" + COURSE + "/api/contents/" + COURSE + "-data/mine.txt", s01,
                Json.write(Map.of("type", "file", "format", "text", "content", "x")));
        assertTrue(write.status() >= 400, "the shared data is read-only: " + write.status() + " " + write.body());
        assertTrue(Files.notExists(shared.resolve("mine.txt")));
        assertEquals(200, hub.get("/user/crs-s07/" + COURSE + "/api/status", instructor).status(), "instructors open their students' servers");

        JsonNode collected = hub.post("/api/v1/courses/" + COURSE + "/assignments/hw1/collect", instructor, null).json();
        assertEquals(30, collected.get("collected").size(), collected.toString());
        String listing = docker("run", "--rm", "--network", "none", "-v", homeVolume(INSTRUCTOR) + ":/h", "--entrypoint", "sh",
                IMAGE, "-c", "cd /h/courses/" + COURSE + "/collected/hw1 && stat -c '%u' . && ls"
                        + " && for s in crs-s*; do echo \"$s $(grep -o 'answer = [a-z0-9-]*' $s/hw1.ipynb)\"; done"
                        + " && cat manifest.json");
        List<String> lines = listing.lines().toList();
        assertEquals("1000", lines.getFirst(), listing);
        for (String s : STUDENTS) {
            assertEquals(1, lines.stream().filter(l -> l.equals(s + " answer = " + s)).count(), s + " exactly once:\n" + listing);
        }
        JsonNode manifest = Json.MAPPER.readTree(listing.substring(listing.indexOf('{')));
        assertEquals(30, manifest.get("submissions").size());
        manifest.get("submissions").forEach(m -> assertTrue(!m.get("late").asBoolean(), m.toString()));

        JsonNode again = hub.post("/api/v1/courses/" + COURSE + "/assignments/hw1/distribute", instructor, null).json();
        for (String s : STUDENTS) {
            assertEquals("[]", again.at("/students/" + s + "/copied").toString(), again.toString());
            assertEquals("[\"data.csv\",\"hw1.ipynb\"]", again.at("/students/" + s + "/skipped").toString());
        }
        Response kept = hub.get("/user/crs-s30/" + COURSE + "/api/contents/courses/" + COURSE + "/hw1/hw1.ipynb", tokens.get("crs-s30"));
        assertTrue(kept.body().contains("answer = crs-s30"), "the edit survives a second hand-out: " + kept.body());

        JsonNode stopped = runJob(instructor, "DELETE");
        assertEquals(Map.of("stopped", 30), counts(stopped), stopped.toString());
        assertEquals("", docker("ps", "-q", "--filter", "label=meridian.hub=" + HUB_ID).strip(), "every server stopped");
    }

    private static void editAndSubmit(String student, String token) {
        String path = "/user/" + student + "/" + COURSE + "/api/contents/courses/" + COURSE + "/hw1/hw1.ipynb";
        Response notebook = hub.get(path, token);
        assertEquals(200, notebook.status(), student + ": " + notebook.body());
        JsonNode content = notebook.json().get("content");
        assertEquals("answer = None", content.at("/cells/0/source").asText(), student);
        ((com.fasterxml.jackson.databind.node.ObjectNode) content.at("/cells/0")).put("source", "answer = " + student);
        Response saved = hub.call("PUT", path, token, Json.write(Map.of("type", "notebook", "content", content)));
        assertEquals(200, saved.status(), student + ": " + saved.body());
        Response submitted = hub.post("/api/v1/courses/" + COURSE + "/assignments/hw1/submit", token, null);
        assertEquals(201, submitted.status(), student + ": " + submitted.body());
        assertEquals(2, submitted.json().get("files").asInt(), submitted.body());
    }

    /** Starts (POST) or stops (DELETE) every student's course server and follows the job until it is done. */
    private static JsonNode runJob(String instructor, String method) {
        Response launched = hub.call(method, "/api/v1/courses/" + COURSE + "/servers", instructor, null);
        assertEquals(202, launched.status(), launched.body());
        String id = launched.json().get("id").asText();
        Instant deadline = Instant.now().plus(Duration.ofMinutes(10));
        while (Instant.now().isBefore(deadline)) {
            JsonNode job = hub.get("/api/v1/courses/" + COURSE + "/jobs/" + id, instructor).json();
            if (job.get("done").asBoolean()) {
                return job;
            }
            TestHub.sleep(1000);
        }
        throw new AssertionError("job " + id + " did not finish: " + hub.get("/api/v1/courses/" + COURSE + "/jobs/" + id, instructor).body());
    }

    private static Map<String, Integer> counts(JsonNode job) {
        return Json.MAPPER.convertValue(job.get("counts"), Json.MAPPER.getTypeFactory()
                .constructMapType(Map.class, String.class, Integer.class));
    }

    private static String tokenOf(String user) {
        Response token = hub.admin("POST", "/hub/api/users/" + user + "/tokens", "{}");
        assertEquals(201, token.status(), token.body());
        return token.json().get("token").asText();
    }

    private static String homeVolume(String user) {
        return "meridian-home-" + user.replace("-", "_2d");
    }
}
