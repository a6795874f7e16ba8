package io.meridian.hub.dashboard;

import io.meridian.hub.TestHub;
import io.meridian.hub.TestHub.Response;
import io.meridian.hub.auth.Passwords;
import io.meridian.hub.auth.oidc.KeycloakServer;
import io.meridian.hub.config.HubConfig;
import io.meridian.hub.courses.CourseCalls;
import io.meridian.hub.db.Database;
import io.meridian.hub.users.UserStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard's course pages in headless Chromium against a real hub (local spawner, real Jupyter
 * servers): an instructor imports a roster, creates, hands out and collects an assignment, starts, opens
 * and stops the students' servers, and takes a Keycloak group as roster (the hub logs in through the test
 * Keycloak too); a student sees their course, assignments and due dates, submits, and gets no instructor
 * controls. Screenshots go to target/screenshots.
 */
@ExtendWith(KeycloakServer.class)
class CourseDashboardBrowserTest {
    private static final String TEACHER = "crsd-teach";
    private static final String STUDENT = "crsd-ann";
    private static final String PASSWORD = "crsd-browser-password";
    private static TestHub hub;
    private static Database db;
    private static String benToken;
    private Browser browser;

    @BeforeAll
    static void startHubWithTwoCourses() {
        // A named in-memory database, so the test can give people passwords the way the admin bootstrap does.
        String url = "jdbc:h2:mem:course-dashboard-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        hub = TestHub.start(TestHub.tempDir(), Map.of("MERIDIAN_DB_URL", url,
                "MERIDIAN_KEYCLOAK_ISSUER", KeycloakServer.issuer(), "MERIDIAN_KEYCLOAK_CLIENT_ID", KeycloakServer.CLIENT_ID,
                "MERIDIAN_KEYCLOAK_CLIENT_SECRET", KeycloakServer.CLIENT_SECRET));
        db = Database.open(new HubConfig.DatabaseConfig(url, "", ""));
        hub.userWithToken(TEACHER);
        String annToken = hub.userWithToken(STUDENT);
        benToken = hub.userWithToken("crsd-ben");
        hub.userWithToken("crsd-cy");
        UserStore users = new UserStore(db);
        users.setPassword(TEACHER, Passwords.hash(PASSWORD), false);
        users.setPassword(STUDENT, Passwords.hash(PASSWORD), false);
        createCourse("crsd-ml", "Machine learning 101");
        createCourse("crsd-stats", "Statistics");
        createCourse("crsd-kc", "From Keycloak");

        // The student's course is set up through the API: ann on the roster, hw1 handed out with a due date.
        String teacherToken = hub.userWithToken(TEACHER);
        assertEquals(200, CourseCalls.csv(hub, "crsd-stats", teacherToken, "",
                "username,email,name\ncrsd-ann,ann@example.org,Ann\n").status());
        assertEquals(201, CourseCalls.upload(hub, "crsd-stats", teacherToken, "?name=hw1&due=2031-05-01T12:00:00Z",
                Map.of("hw1.ipynb", "{}")).status());
        assertEquals(201, CourseCalls.upload(hub, "crsd-stats", teacherToken, "?name=hw2",
                Map.of("hw2.txt", "later")).status());
        assertEquals(200, hub.post("/api/v1/courses/crsd-stats/assignments/hw1/distribute", teacherToken, "{}").status());
        assertEquals(200, hub.get("/api/v1/courses", annToken).status());
    }

    @AfterAll
    static void stopHub() {
        hub.stopAllServers();
        hub.close();
        db.close();
    }

    @BeforeEach
    void openBrowser() {
        browser = new Browser();
    }

    @AfterEach
    void closeBrowser() {
        browser.closeAfterCheckingConsole();
    }

    @Test
    void studentSeesAssignmentsWithDueDatesSubmitsAndHasNoInstructorControls() {
        logIn(STUDENT);
        browser.driver.get(hub.url("/hub/dashboard/#/courses"));
        browser.waitFor(ExpectedConditions.numberOfElementsToBe(By.cssSelector("tr[data-course]"), 1));
        assertEquals("student", browser.driver.findElement(By.cssSelector("tr[data-course='crsd-stats'] td:last-child")).getText());
        browser.click(By.linkText("Statistics"));

        WebElement hw1 = browser.waitFor(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-assignment='hw1']")));
        assertEquals("open", hw1.getAttribute("data-status"));
        assertFalse(hw1.findElements(By.tagName("td")).get(1).getText().contains("no due date"), hw1.getText());
        WebElement hw2 = browser.driver.findElement(By.cssSelector("tr[data-assignment='hw2']"));
        assertEquals("waiting", hw2.getAttribute("data-status"));
        assertTrue(hw2.findElements(By.tagName("button")).isEmpty(), "nothing to submit before it is handed out");
        assertTrue(browser.driver.findElement(By.id("course-server")).getText().contains("stopped"));

        browser.click(By.xpath("//button[normalize-space()='Submit hw1']"));
        browser.waitFor(ExpectedConditions.textToBePresentInElementLocated(By.id("course-status"), "Submitted 1 file of hw1"));
        browser.waitFor(ExpectedConditions.attributeToBe(By.cssSelector("tr[data-assignment='hw1']"), "data-status", "submitted"));
        assertEquals(1, hub.get("/api/v1/courses/crsd-stats/assignments/hw1/submissions", hub.userWithToken(TEACHER))
                .json().get("submissions").size());
        browser.screenshot("courses-student");

        for (String instructorOnly : List.of("Start all servers", "Stop all servers", "Import roster", "Distribute hw1", "Collect hw1")) {
            assertTrue(browser.driver.findElements(By.xpath("//button[normalize-space()='" + instructorOnly + "']")).isEmpty(),
                    instructorOnly);
        }
        assertTrue(browser.driver.findElements(By.id("students")).isEmpty());
        Object refused = browser.driver.executeAsyncScript("""
                const done = arguments[0];
                fetch('/api/v1/courses/crsd-stats/servers', {method: 'POST', headers: {'Content-Type': 'application/json',
                  'X-XSRFToken': document.querySelector('meta[name="xsrf"]').content}, body: '{}'})
                  .then(r => done(r.status), e => done(-1));""");
        assertEquals(403L, refused, "the API refuses a student anyway");
    }

    @Test
    void instructorImportsRosterHandsOutCollectsAndRunsTheStudentsServers() throws IOException {
        browser.size(1280, 1300);
        logIn(TEACHER);
        browser.driver.get(hub.url("/hub/dashboard/#/courses/crsd-ml"));
        Path roster = Files.createTempDirectory("crsd-roster").resolve("roster.csv");
        Files.writeString(roster, "username,email,name\ncrsd-ben,ben@example.org,Ben Okafor\ncrsd-cy,,Cy\n");
        browser.waitFor(ExpectedConditions.presenceOfElementLocated(By.id("roster-file"))).sendKeys(roster.toString());
        browser.click(By.xpath("//button[normalize-space()='Import roster']"));
        browser.waitFor(ExpectedConditions.textToBePresentInElementLocated(By.id("course-status"), "2 added (crsd-ben, crsd-cy)"));
        browser.waitFor(ExpectedConditions.numberOfElementsToBe(By.cssSelector("tr[data-student]"), 2));

        Path files = Files.createTempDirectory("crsd-assignment").resolve("hw1.zip");
        Files.write(files, CourseCalls.zip(Map.of("hw1.ipynb", "{}", "data/points.csv", "x,y\n1,2\n")));
        browser.driver.findElement(By.id("assignment-name")).sendKeys("hw1");
        browser.driver.executeScript("document.getElementById('assignment-due').value = '2031-06-01T09:30';");
        browser.driver.findElement(By.id("assignment-file")).sendKeys(files.toString());
        browser.click(By.xpath("//button[normalize-space()='Create assignment']"));
        browser.waitFor(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-assignment='hw1']")));
        assertTrue(hub.get("/api/v1/courses/crsd-ml/assignments", hub.userWithToken(TEACHER)).json()
                .at("/assignments/0/due").asText().startsWith("2031-06-01"), "the due date reached the hub");

        browser.click(By.xpath("//button[normalize-space()='Distribute hw1']"));
        browser.waitFor(ExpectedConditions.textToBePresentInElementLocated(By.id("course-status"), "Handed out hw1 to 2 students"));
        assertTrue(Files.exists(hub.dataDir().resolve("users/crsd-ben/courses/crsd-ml/hw1/data/points.csv")));
        assertEquals(201, hub.post("/api/v1/courses/crsd-ml/assignments/hw1/submit", benToken, "{}").status());
        browser.click(By.xpath("//button[normalize-space()='Collect hw1']"));
        browser.waitFor(ExpectedConditions.textToBePresentInElementLocated(By.id("course-status"), "Collected 1 submission of hw1"));
        browser.waitFor(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("tr[data-assignment='hw1']"),
                "2 handed out, 1 submitted"));

        browser.click(By.xpath("//button[normalize-space()='Start all servers']"));
        browser.waitFor(180, ExpectedConditions.attributeToBe(By.cssSelector("[data-job='start']"), "data-done", "true"));
        browser.waitFor(ExpectedConditions.textToBe(By.cssSelector("tr[data-student='crsd-ben'] .state"), "ready"));
        browser.waitFor(ExpectedConditions.textToBe(By.cssSelector("tr[data-student='crsd-cy'] .state"), "ready"));
        WebElement bar = browser.driver.findElement(By.cssSelector("[data-job='start'] progress"));
        assertEquals(bar.getAttribute("max"), bar.getAttribute("value"));
        browser.driver.executeScript("window.scrollTo(0, 0);");
        browser.screenshot("courses-instructor");

        browser.click(By.linkText("Open crsd-ben's server"));
        browser.waitFor(ExpectedConditions.urlContains("/user/crsd-ben/crsd-ml/"));
        browser.driver.get(hub.url("/user/crsd-ben/crsd-ml/api/contents/courses/crsd-ml/hw1"));
        assertTrue(browser.driver.getPageSource().contains("hw1.ipynb"), "the instructor reads the student's server");

        browser.driver.get(hub.url("/hub/dashboard/#/courses/crsd-ml"));
        browser.click(By.xpath("//button[normalize-space()='Stop all servers']"));
        browser.waitFor(120, ExpectedConditions.attributeToBe(By.cssSelector("[data-job='stop']"), "data-done", "true"));
        browser.waitFor(ExpectedConditions.textToBe(By.cssSelector("tr[data-student='crsd-ben'] .state"), "stopped"));
        assertTrue(hub.get("/hub/api/users/crsd-ben", TestHub.ADMIN_TOKEN).json().path("servers").isEmpty());
    }

    @Test
    void instructorTakesTheRosterFromAKeycloakGroup() {
        logIn(TEACHER);
        browser.driver.get(hub.url("/hub/dashboard/#/courses/crsd-kc"));
        WebElement group = browser.waitFor(ExpectedConditions.presenceOfElementLocated(By.id("roster-group")));

        group.sendKeys("/courses/no-such-group");
        browser.click(By.xpath("//button[normalize-space()='Import group']"));
        browser.waitFor(ExpectedConditions.textToBePresentInElementLocated(By.id("error"), "Keycloak has no group /courses/no-such-group"));

        group.clear();
        group.sendKeys("/courses/ml-101");
        browser.click(By.xpath("//button[normalize-space()='Import group']"));
        browser.waitFor(ExpectedConditions.textToBePresentInElementLocated(By.id("course-status"),
                "3 added (kcg-ann, kcg-ben, kcg-cem)"));
        browser.waitFor(ExpectedConditions.numberOfElementsToBe(By.cssSelector("tr[data-student]"), 3));
        assertTrue(browser.driver.findElement(By.cssSelector("tr[data-student='kcg-ben']")).getText().contains("Ben Okafor"));

        browser.click(By.id("roster-subgroups"));
        browser.click(By.xpath("//button[normalize-space()='Import group']"));
        browser.waitFor(ExpectedConditions.textToBePresentInElementLocated(By.id("course-status"),
                "1 added (kcg-eve), 0 removed, 3 unchanged"));
        browser.waitFor(ExpectedConditions.numberOfElementsToBe(By.cssSelector("tr[data-student]"), 4));
    }

    private static void createCourse(String name, String title) {
        Response created = hub.admin("POST", "/api/v1/courses", "{\"name\": \"" + name + "\", \"title\": \"" + title
                + "\", \"instructors\": [\"" + TEACHER + "\"]}");
        assertEquals(201, created.status(), created.body());
    }


    private void logIn(String name) {
        browser.logIn(hub.url(""), name, PASSWORD);
    }
}
