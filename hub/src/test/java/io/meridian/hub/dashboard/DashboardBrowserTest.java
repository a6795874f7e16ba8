package io.meridian.hub.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.hub.TestHub;
import io.meridian.hub.auth.Passwords;
import io.meridian.hub.config.HubConfig;
import io.meridian.hub.db.Database;
import io.meridian.hub.users.UserStore;
import io.meridian.nextcloud.FakeNextcloudLoginFlow;
import io.meridian.nextcloud.TestWebDav;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard in headless Chromium against a real hub (local spawner, real Jupyter servers, Docker for
 * deployments and inference, the Apache WebDAV server for Nextcloud storage): what a user and an admin see
 * and do, with a screenshot of each page in target/screenshots.
 */
class DashboardBrowserTest {
    private static final String USER = "ada";
    private static final String USER_PASSWORD = "ada-browser-password";
    private static final String PASSWORD = "dsh-browser-password";
    private static TestHub hub;
    private static Database db;
    private static String adaToken;
    private Browser browser;

    @BeforeAll
    static void startHub() {
        // A named in-memory database, so the test can give ada a password the way the admin bootstrap does.
        String url = "jdbc:h2:mem:dashboard-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        hub = TestHub.start(TestHub.tempDir(), Map.of("MERIDIAN_DB_URL", url));
        db = Database.open(new HubConfig.DatabaseConfig(url, "", ""));
        adaToken = hub.userWithToken(USER);
        new UserStore(db).setPassword(USER, Passwords.hash(USER_PASSWORD), false);
    }

    @AfterAll
    static void stopHub() {
        for (JsonNode d : hub.get("/api/v1/deployments", adaToken).json()) {
            hub.call("DELETE", "/api/v1/deployments/" + d.get("id").asText(), adaToken, null);
        }
        // what a failed inference test left behind (its deployment goes with it)
        String ines = hub.userWithToken("dsh-ines");
        for (JsonNode service : hub.get("/api/v1/inference", ines).json()) {
            hub.call("DELETE", "/api/v1/inference/" + service.get("name").asText(), ines, null);
        }
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
    void userStartsServerWatchesProgressUntilReadyAndOpensIt() {
        logIn(USER, USER_PASSWORD);
        browser.click(By.xpath("//tr[@data-server='default']//button[normalize-space()='Start default']"));
        WebElement progress = browser.waitFor(120, ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("[data-progress='default'][data-outcome]")));
        assertEquals("ready", progress.getAttribute("data-outcome"), progress.getText());
        assertEquals("100", progress.findElement(By.tagName("progress")).getAttribute("value"));
        List<WebElement> messages = progress.findElements(By.cssSelector("ol.log li"));
        assertTrue(messages.size() >= 2, "the spawner's steps are shown: " + progress.getText());
        browser.waitFor(ExpectedConditions.textToBe(By.cssSelector("tr[data-server='default'] .state"), "ready"));
        browser.screenshot("servers");

        browser.click(By.linkText("Open default"));
        browser.waitFor(ExpectedConditions.urlContains("/user/ada/"));
        browser.driver.get(hub.url("/user/ada/api/status"));
        assertTrue(browser.driver.getPageSource().contains("\"started\""), browser.driver.getPageSource());

        browser.driver.get(hub.url("/hub/dashboard/#/home"));
        browser.click(By.xpath("//button[normalize-space()='Stop default']"));
        browser.waitFor(60, ExpectedConditions.textToBe(By.cssSelector("tr[data-server='default'] .state"), "stopped"));
        assertTrue(hub.get("/hub/api/users/ada", TestHub.ADMIN_TOKEN).json().path("servers").isEmpty());
    }

    @Test
    void catalogSearchesFiltersAndShowsAModuleWithItsDeployForm() {
        logIn(USER, USER_PASSWORD);
        browser.driver.get(hub.url("/hub/dashboard/#/catalog"));
        int all = hub.get("/api/v1/catalog/modules", TestHub.ADMIN_TOKEN).json().size();
        assertTrue(all >= 2, "the repository's catalog is loaded");
        browser.waitFor(ExpectedConditions.numberOfElementsToBe(By.cssSelector("[data-module]"), all));
        browser.screenshot("catalog");

        new Select(browser.driver.findElement(By.id("catalog-tags"))).selectByVisibleText("iris");
        browser.waitFor(ExpectedConditions.numberOfElementsToBe(By.cssSelector("[data-module]"), 1));
        assertEquals("iris-classifier", browser.driver.findElement(By.cssSelector("[data-module]")).getAttribute("data-module"));

        new Select(browser.driver.findElement(By.id("catalog-tags"))).selectByVisibleText("any");
        WebElement search = browser.driver.findElement(By.id("catalog-q"));
        search.sendKeys("plant");
        browser.click(By.xpath("//button[normalize-space()='Filter']"));
        browser.waitFor(ExpectedConditions.numberOfElementsToBe(By.cssSelector("[data-module]"), 1));
        assertEquals("plant-species-classifier", browser.driver.findElement(By.cssSelector("[data-module]")).getAttribute("data-module"));

        search.clear();
        search.sendKeys("no-such-module-anywhere");
        browser.click(By.xpath("//button[normalize-space()='Filter']"));
        browser.waitFor(ExpectedConditions.textToBePresentInElementLocated(By.id("catalog-results"), "No module matches"));

        browser.driver.get(hub.url("/hub/dashboard/#/catalog/iris-classifier"));
        browser.waitFor(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h2"), "Iris"));
        WebElement cpu = browser.waitFor(ExpectedConditions.presenceOfElementLocated(By.id("deploy-cpu")));
        JsonNode config = hub.get("/api/v1/catalog/modules/iris-classifier/config?purpose=inference", TestHub.ADMIN_TOKEN).json();
        assertEquals(config.at("/granted/cpu").asText(), cpu.getAttribute("value"));
        browser.screenshot("module");
    }

    @Test
    void moduleIsDeployedFromItsPageThenTrainedCancelledAndDeleted() {
        logIn(USER, USER_PASSWORD);
        browser.driver.get(hub.url("/hub/dashboard/#/catalog/iris-classifier"));
        browser.waitFor(ExpectedConditions.presenceOfElementLocated(By.id("deploy-cpu")));
        browser.click(By.xpath("//section[@id='deploy']//button[normalize-space()='Deploy']"));
        WebElement row = browser.waitFor(180, ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-deployment]")));
        String id = row.getAttribute("data-deployment");
        browser.waitFor(60, ExpectedConditions.textToBe(By.cssSelector("tr[data-deployment] .state"), "running"));
        assertEquals("iris-classifier", hub.get("/api/v1/deployments/" + id, adaToken).json().get("module").asText());
        browser.click(By.xpath("//tr[@data-deployment]//a[normalize-space()='deepaas']"));
        browser.waitFor(ExpectedConditions.urlContains("/deployments/" + id + "/"));
        browser.navigate().back();
        browser.waitFor(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-deployment]")));

        int started = hub.post("/api/v1/trainings", adaToken, """
                {"deployment": "%s", "args": {"epochs": 100000, "epoch_delay_ms": 10}}""".formatted(id)).status();
        assertEquals(201, started);
        browser.click(By.xpath("//tr[@data-training]//button[normalize-space()='Cancel']"));
        browser.waitFor(60, ExpectedConditions.textToBe(By.cssSelector("tr[data-training] .state"), "cancelled"));

        browser.click(By.xpath("//tr[@data-deployment]//button[normalize-space()='Logs']"));
        browser.waitFor(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("pre.logs")));
        browser.screenshot("deployments-running");
        browser.click(By.xpath("//tr[@data-deployment]//button[normalize-space()='Delete']"));
        browser.waitFor(60, ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[data-view='deployments']"),
                "No deployments yet"));
        assertEquals(404, hub.get("/api/v1/deployments/" + id, adaToken).status());
    }

    @Test
    void storageUploadsWithProgressDownloadsRenamesAndDeletes() throws Exception {
        logIn(USER, USER_PASSWORD);
        browser.driver.get(hub.url("/hub/dashboard/#/storage"));
        browser.waitFor(ExpectedConditions.presenceOfElementLocated(By.id("upload-file")));
        String content = "results of run 7\n".repeat(20_000);
        Path file = Files.createTempDirectory("meridian-upload").resolve("results.txt");
        Files.writeString(file, content);

        browser.driver.findElement(By.id("upload-file")).sendKeys(file.toString());
        browser.click(By.xpath("//button[normalize-space()='Upload']"));
        browser.waitFor(60, ExpectedConditions.textToBePresentInElementLocated(By.id("upload-status"), "Uploaded results.txt"));
        WebElement bar = browser.driver.findElement(By.id("upload-progress"));
        assertEquals(bar.getAttribute("max"), bar.getAttribute("value"));
        WebElement link = browser.waitFor(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("tr[data-entry='results.txt'] a")));
        browser.screenshot("storage");

        Object downloaded = browser.driver.executeAsyncScript(
                "const done = arguments[1]; fetch(arguments[0]).then(r => r.text()).then(done, e => done('failed: ' + e));",
                link.getAttribute("href"));
        assertEquals(content, downloaded);
        assertEquals(content, Files.readString(hub.dataDir().resolve("storage").resolve(USER).resolve("results.txt"),
                StandardCharsets.UTF_8));

        browser.click(By.xpath("//button[normalize-space()='Rename results.txt']"));
        browser.waitFor(ExpectedConditions.alertIsPresent()).sendKeys("final.txt");
        browser.driver.switchTo().alert().accept();
        browser.waitFor(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-entry='final.txt']")));

        browser.click(By.xpath("//button[normalize-space()='Delete final.txt']"));
        browser.waitFor(ExpectedConditions.alertIsPresent()).accept();
        browser.waitFor(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("tr[data-entry='final.txt']")));
        assertFalse(Files.exists(hub.dataDir().resolve("storage").resolve(USER).resolve("final.txt")));
    }

    @Test
    void adminSeesRunningServersAndStopsOne() {
        String bob = hub.userWithToken("bob");
        int started = hub.post("/hub/api/users/bob/server", bob, "{}").status();
        assertTrue(started == 201 || started == 202, "start: " + started);
        logIn("admin", TestHub.ADMIN_PASSWORD);
        browser.waitFor(ExpectedConditions.visibilityOfElementLocated(By.id("admin-nav"))).click();
        browser.waitFor(120, ExpectedConditions.textToBe(By.cssSelector("tr[data-running='bob/'] .state"), "ready"));
        browser.screenshot("admin");

        browser.click(By.xpath("//button[normalize-space()='Stop bob/default']"));
        browser.waitFor(60, ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("tr[data-running='bob/']")));
        // a stop answered with 202 finishes in the background
        browser.waitFor(60, driver -> hub.get("/hub/api/users/bob", TestHub.ADMIN_TOKEN).json().path("servers").isEmpty());
    }

    @Test
    void normalUserGetsNoAdminPageAndTheApiRefusesAnyway() {
        logIn(USER, USER_PASSWORD);
        assertTrue(browser.driver.findElements(By.id("admin-nav")).isEmpty(), "no Admin link for a normal user");
        for (String page : List.of("admin", "admin/groups", "admin/audit")) {
            browser.driver.get(hub.url("/hub/dashboard/#/catalog"));
            browser.waitFor(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-view='catalog']")));
            browser.driver.get(hub.url("/hub/dashboard/#/" + page));
            browser.waitFor(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-view='home']")));
        }
        for (String api : List.of("/hub/api/users", "/hub/api/groups", "/api/v1/admin/audit")) {
            Object status = browser.driver.executeAsyncScript(
                    "const done = arguments[1]; fetch(arguments[0]).then(r => done(r.status), e => done(-1));", api);
            assertEquals(403L, status, api);
        }

        browser.driver.get(hub.url("/hub/dashboard/#/deployments"));
        browser.waitFor(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[data-view='deployments']"),
                "No deployments yet"));
        browser.screenshot("deployments");
    }

    @Test
    void tokensAreRequestedShownOnceAndRevokedOnANarrowScreen() {
        browser.size(420, 900);
        logIn(USER, USER_PASSWORD);
        browser.driver.get(hub.url("/hub/dashboard/#/tokens"));
        browser.waitFor(ExpectedConditions.presenceOfElementLocated(By.id("token-note"))).sendKeys("from the dashboard");
        browser.click(By.xpath("//button[normalize-space()='Request new token']"));
        String token = browser.waitFor(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#new-token code"))).getText();
        assertEquals(200, hub.get("/hub/api/user", token).status());
        browser.screenshot("tokens-narrow");

        browser.click(By.xpath("//button[normalize-space()='Revoke from the dashboard']"));
        browser.waitFor(ExpectedConditions.invisibilityOfElementLocated(By.xpath("//td[normalize-space()='from the dashboard']")));
        assertEquals(401, hub.get("/hub/api/user", token).status());
    }

    @Test
    void keyboardAloneReachesAPageAndLandsOnItsContent() {
        logIn(USER, USER_PASSWORD);
        browser.waitFor(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-view='home']")));
        WebElement focused = browser.driver.switchTo().activeElement();
        for (int tab = 0; tab < 12 && !"Catalog".equals(focused.getText()); tab++) {
            focused.sendKeys(Keys.TAB);
            focused = browser.driver.switchTo().activeElement();
        }
        assertEquals("Catalog", focused.getText(), "the nav links are reachable with Tab");
        focused.sendKeys(Keys.ENTER);
        browser.waitFor(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-view='catalog']")));
        browser.waitFor(driver -> "main".equals(driver.switchTo().activeElement().getAttribute("id")));
    }

    @Test
    void apiErrorsAreShownInPlainWords() {
        logIn(USER, USER_PASSWORD);
        browser.driver.get(hub.url("/hub/dashboard/#/storage"));
        browser.waitFor(ExpectedConditions.presenceOfElementLocated(By.id("new-folder"))).sendKeys("..");
        browser.click(By.xpath("//button[normalize-space()='Create']"));
        WebElement error = browser.waitFor(ExpectedConditions.visibilityOfElementLocated(By.id("error")));
        assertFalse(error.getText().isBlank());
        assertFalse(error.getText().contains("{"), "the message, not the JSON: " + error.getText());
    }

    @Test
    void inferenceServiceIsCreatedFromAModuleInvokedWithAnInputAndDeleted() {
        String token = userWithPassword("dsh-ines");
        logIn("dsh-ines", PASSWORD);
        browser.driver.get(hub.url("/hub/dashboard/#/inference"));
        WebElement name = browser.waitFor(ExpectedConditions.presenceOfElementLocated(By.id("inference-name")));
        new Select(browser.driver.findElement(By.id("inference-module"))).selectByValue("iris-classifier");
        name.sendKeys("Iris Service");
        browser.click(By.xpath("//button[normalize-space()='Create service']"));
        assertReadableError("invalid server name");
        assertTrue(hub.get("/api/v1/inference", token).json().isEmpty(), "a refused name creates nothing");

        name.clear();
        name.sendKeys("iris");
        new Select(browser.driver.findElement(By.id("inference-module"))).selectByValue("iris-classifier");
        browser.click(By.xpath("//button[normalize-space()='Create service']"));
        browser.waitFor(240, ExpectedConditions.textToBePresentInElementLocated(By.id("inference-status"), "Created iris"));
        browser.waitFor(60, ExpectedConditions.textToBe(By.cssSelector("tr[data-service='iris'] .state"), "running"));
        JsonNode service = hub.get("/api/v1/inference/iris", token).json();
        assertEquals("local", service.get("backend").asText());
        String deployment = service.at("/deployment/id").asText();

        browser.click(By.xpath("//button[normalize-space()='Invoke iris']"));
        WebElement input = browser.waitFor(ExpectedConditions.visibilityOfElementLocated(By.id("invoke-input")));
        input.clear();
        input.sendKeys("this is not JSON");
        browser.click(By.xpath("//button[normalize-space()='Run']"));
        assertReadableError("JSON object");

        input.clear();
        input.sendKeys("{\"sepal_length\": 6.7, \"sepal_width\": 3.0, \"petal_length\": 5.2, \"petal_width\": 2.3}");
        browser.click(By.xpath("//button[normalize-space()='Run']"));
        WebElement output = browser.waitFor(60, ExpectedConditions.visibilityOfElementLocated(By.id("invoke-output")));
        assertTrue(output.getText().contains("virginica"), output.getText());
        assertFalse(browser.driver.findElement(By.id("error")).isDisplayed(), "a good input clears the earlier error");
        browser.screenshot("inference");

        browser.click(By.xpath("//button[normalize-space()='Delete iris']"));
        browser.waitFor(ExpectedConditions.alertIsPresent()).accept();
        browser.waitFor(60, ExpectedConditions.textToBePresentInElementLocated(By.id("inference-list"), "No inference services yet"));
        assertTrue(hub.get("/api/v1/inference", token).json().isEmpty());
        assertEquals(404, hub.get("/api/v1/deployments/" + deployment, token).status(), "its deployment went with it");
    }

    @Test
    void storageConnectsANextcloudAccountWorksInItAndDisconnects() throws Exception {
        String token = userWithPassword("dsh-nina");
        logIn("dsh-nina", PASSWORD);
        browser.driver.get(hub.url("/hub/dashboard/#/storage"));
        new Select(browser.waitFor(ExpectedConditions.presenceOfElementLocated(By.id("connect-kind")))).selectByValue("nextcloud");
        String nextcloud = TestWebDav.SERVER.resolve("/").toString();
        browser.driver.findElement(By.id("connect-url")).sendKeys(nextcloud);
        browser.driver.findElement(By.id("connect-login")).sendKeys(TestWebDav.USER);
        WebElement password = browser.driver.findElement(By.id("connect-password"));
        password.sendKeys("not-the-app-password");
        browser.click(By.xpath("//button[normalize-space()='Connect']"));
        assertReadableError("app password");
        assertEquals("local", hub.get("/api/v1/storage/connection", token).json().get("kind").asText());

        password.clear();
        password.sendKeys(TestWebDav.PASSWORD);
        browser.click(By.xpath("//button[normalize-space()='Connect']"));
        browser.waitFor(ExpectedConditions.textToBePresentInElementLocated(By.id("storage-connected"),
                "Connected to Nextcloud at " + nextcloud + " as " + TestWebDav.USER));
        browser.waitFor(ExpectedConditions.textToBePresentInElementLocated(By.id("storage-path"), "(webdav)"));
        assertEquals("nextcloud", hub.get("/api/v1/storage/connection", token).json().get("kind").asText());

        // The test account's files are shared by every checkout on this machine: work in a folder of our own.
        String folder = "dsh-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            browser.driver.findElement(By.id("new-folder")).sendKeys(folder);
            browser.click(By.xpath("//button[normalize-space()='Create']"));
            browser.click(By.xpath("//tr[@data-entry='" + folder + "']//a"));
            browser.waitFor(ExpectedConditions.textToBePresentInElementLocated(By.id("storage-path"), "/ " + folder + " /"));
            Path file = Files.createTempDirectory("meridian-upload").resolve("notes.txt");
            Files.writeString(file, "kept in Nextcloud\n");
            browser.driver.findElement(By.id("upload-file")).sendKeys(file.toString());
            browser.click(By.xpath("//button[normalize-space()='Upload']"));
            browser.waitFor(60, ExpectedConditions.textToBePresentInElementLocated(By.id("upload-status"), "Uploaded notes.txt"));
            browser.waitFor(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-entry='notes.txt']")));
            assertEquals(200, webDav("GET", folder + "/notes.txt").statusCode());
            assertEquals("kept in Nextcloud\n", webDav("GET", folder + "/notes.txt").body());
            browser.screenshot("storage-nextcloud");

            browser.click(By.xpath("//p[@id='storage-path']/a[normalize-space()='/']"));
            browser.click(By.xpath("//button[normalize-space()='Delete " + folder + "']"));
            browser.waitFor(ExpectedConditions.alertIsPresent()).accept();
            browser.waitFor(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("tr[data-entry='" + folder + "']")));
            assertEquals(404, webDav("GET", folder + "/notes.txt").statusCode());
        } finally {
            webDav("DELETE", folder + "/");
        }

        browser.click(By.xpath("//button[normalize-space()='Disconnect']"));
        browser.waitFor(ExpectedConditions.alertIsPresent()).accept();
        browser.waitFor(ExpectedConditions.textToBePresentInElementLocated(By.id("storage-connected"), "kept on the hub"));
        browser.waitFor(ExpectedConditions.textToBePresentInElementLocated(By.id("storage-path"), "(local)"));
        assertEquals("local", hub.get("/api/v1/storage/connection", token).json().get("kind").asText());
    }

    @Test
    void storageConnectsNextcloudThroughItsLoginPage() throws Exception {
        String token = userWithPassword("dsh-nora");
        logIn("dsh-nora", PASSWORD);
        browser.driver.get(hub.url("/hub/dashboard/#/storage"));
        WebElement url = browser.waitFor(ExpectedConditions.presenceOfElementLocated(By.id("connect-url")));
        url.sendKeys("ftp://cloud.example.org");
        browser.click(By.xpath("//button[normalize-space()='Log in through Nextcloud']"));
        assertReadableError("http(s) address");

        try (FakeNextcloudLoginFlow nextcloud = new FakeNextcloudLoginFlow()) {
            url.clear();
            url.sendKeys(nextcloud.base());
            browser.click(By.xpath("//button[normalize-space()='Log in through Nextcloud']"));
            WebElement page = browser.waitFor(ExpectedConditions.visibilityOfElementLocated(
                    By.cssSelector("#nextcloud-login-status a")));
            assertTrue(page.getAttribute("href").startsWith(nextcloud.base() + "/login/v2/flow/"), page.getAttribute("href"));
            assertEquals("_blank", page.getAttribute("target"));
            assertEquals("local", hub.get("/api/v1/storage/connection", token).json().get("kind").asText(), "not before approval");

            // Nextcloud, once the user grants access there, hands out the Apache server's Nextcloud-layout tree.
            String davServer = TestWebDav.SERVER.resolve("/").toString();
            nextcloud.approve(davServer, TestWebDav.USER, TestWebDav.PASSWORD);
            browser.waitFor(ExpectedConditions.textToBePresentInElementLocated(By.id("storage-connected"),
                    "Connected to Nextcloud at " + davServer + " as " + TestWebDav.USER));
        }
        browser.waitFor(ExpectedConditions.textToBePresentInElementLocated(By.id("storage-path"), "(webdav)"));
        browser.click(By.xpath("//button[normalize-space()='Disconnect']"));
        browser.waitFor(ExpectedConditions.alertIsPresent()).accept();
        browser.waitFor(ExpectedConditions.textToBePresentInElementLocated(By.id("storage-connected"), "kept on the hub"));
        assertEquals("local", hub.get("/api/v1/storage/connection", token).json().get("kind").asText());
    }

    @Test
    void adminCreatesAGroupChangesItsMembersAndDeletesIt() {
        hub.userWithToken("bob");
        logIn("admin", TestHub.ADMIN_PASSWORD);
        browser.driver.get(hub.url("/hub/dashboard/#/admin/groups"));
        WebElement name = browser.waitFor(ExpectedConditions.presenceOfElementLocated(By.id("group-name")));
        name.sendKeys("Bad Group!");
        browser.click(By.xpath("//button[normalize-space()='Create group']"));
        assertReadableError("invalid group name");

        name.clear();
        name.sendKeys("dsh-team");
        browser.driver.findElement(By.id("group-members")).sendKeys(USER);
        browser.click(By.xpath("//button[normalize-space()='Create group']"));
        browser.waitFor(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-group='dsh-team'] [data-member='ada']")));

        browser.driver.findElement(By.id("add-dsh-team")).sendKeys("nobody-of-that-name");
        browser.click(By.xpath("//button[normalize-space()='Add to dsh-team']"));
        assertReadableError("no such user");
        WebElement add = browser.driver.findElement(By.id("add-dsh-team"));
        add.clear();
        add.sendKeys("bob");
        browser.click(By.xpath("//button[normalize-space()='Add to dsh-team']"));
        browser.waitFor(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-group='dsh-team'] [data-member='bob']")));
        browser.click(By.xpath("//button[@aria-label='Remove ada from dsh-team']"));
        browser.waitFor(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("tr[data-group='dsh-team'] [data-member='ada']")));
        browser.screenshot("admin-groups");
        assertEquals("[\"bob\"]", hub.get("/hub/api/groups/dsh-team", TestHub.ADMIN_TOKEN).json().get("users").toString());

        browser.click(By.xpath("//button[normalize-space()='Delete dsh-team']"));
        browser.waitFor(ExpectedConditions.alertIsPresent()).accept();
        browser.waitFor(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("tr[data-group='dsh-team']")));
        assertEquals(404, hub.get("/hub/api/groups/dsh-team", TestHub.ADMIN_TOKEN).status());
    }

    @Test
    void adminPagesThroughTheAuditLogAndFiltersItByWho() {
        String root = "dsh-root";
        assertTrue(List.of(201, 409).contains(hub.admin("POST", "/hub/api/users/" + root, "{\"admin\": true}").status()));
        String rootToken = hub.admin("POST", "/hub/api/users/" + root + "/tokens", "{}").json().get("token").asText();
        for (int i = 0; i < 30; i++) {
            assertEquals(201, hub.admin("POST", "/hub/api/users/dsh-audit-" + i + "-" + UUID.randomUUID().toString().substring(0, 4), null).status());
        }
        for (int i = 0; i < 3; i++) {
            assertEquals(201, hub.call("POST", "/hub/api/groups/dsh-audited-" + i, rootToken, "{}").status());
            assertEquals(204, hub.call("DELETE", "/hub/api/groups/dsh-audited-" + i, rootToken, null).status());
        }
        logIn("admin", TestHub.ADMIN_PASSWORD);
        browser.driver.get(hub.url("/hub/dashboard/#/admin/audit"));
        browser.waitFor(ExpectedConditions.numberOfElementsToBe(By.cssSelector("tr[data-audit]"), 25));
        assertEquals("Entries 1–25", browser.driver.findElement(By.id("audit-page")).getText());
        String newest = browser.driver.findElement(By.cssSelector("tr[data-audit]")).getText();
        assertTrue(newest.contains(root) && newest.contains("DELETE /hub/api/groups/dsh-audited-2"), newest);
        browser.click(By.xpath("//button[normalize-space()='Next page']"));
        browser.waitFor(ExpectedConditions.textToBePresentInElementLocated(By.id("audit-page"), "Entries 26–"));
        browser.click(By.xpath("//button[normalize-space()='Previous page']"));
        browser.waitFor(ExpectedConditions.textToBe(By.id("audit-page"), "Entries 1–25"));

        WebElement who = browser.driver.findElement(By.id("audit-actor"));
        who.sendKeys("Not A Name");
        browser.click(By.xpath("//button[normalize-space()='Show']"));
        assertReadableError("invalid user name");
        who.clear();
        who.sendKeys(root);
        browser.click(By.xpath("//button[normalize-space()='Show']"));
        browser.waitFor(ExpectedConditions.numberOfElementsToBe(By.cssSelector("tr[data-audit]"), 6));
        for (WebElement row : browser.driver.findElements(By.cssSelector("tr[data-audit]"))) {
            assertTrue(row.getText().contains(root) && row.getText().contains("/hub/api/groups/dsh-audited-"), row.getText());
        }
        assertFalse(browser.driver.findElement(By.xpath("//button[normalize-space()='Next page']")).isEnabled());
        browser.screenshot("admin-audit");
    }

    @Test
    void adminStopsAllServersAndWatchesThemGo() {
        for (String user : List.of("bob", "carol")) {
            int started = hub.post("/hub/api/users/" + user + "/server", hub.userWithToken(user), "{}").status();
            assertTrue(started == 201 || started == 202, user + ": " + started);
        }
        logIn("admin", TestHub.ADMIN_PASSWORD);
        browser.driver.get(hub.url("/hub/dashboard/#/admin"));
        browser.waitFor(120, ExpectedConditions.textToBe(By.cssSelector("tr[data-running='bob/'] .state"), "ready"));
        browser.waitFor(120, ExpectedConditions.textToBe(By.cssSelector("tr[data-running='carol/'] .state"), "ready"));
        browser.click(By.id("stop-all-button"));
        assertTrue(browser.waitFor(ExpectedConditions.alertIsPresent()).getText().contains("Stop all 2 running servers"));
        browser.driver.switchTo().alert().accept();
        WebElement card = browser.waitFor(120, ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-stop-all='done']")));
        assertEquals("2", card.findElement(By.tagName("progress")).getAttribute("value"));
        assertTrue(card.getText().contains("All 2 servers stopped"), card.getText());
        browser.waitFor(ExpectedConditions.presenceOfElementLocated(By.id("no-running")));
        browser.driver.executeScript("window.scrollTo(0, 0)");
        browser.screenshot("admin-stop-all");
        for (String user : List.of("bob", "carol")) {
            browser.waitFor(60, driver -> hub.get("/hub/api/users/" + user, TestHub.ADMIN_TOKEN).json().path("servers").isEmpty());
        }
    }

    /** A user who logs in with {@link #PASSWORD}; returns an API token of theirs. */
    private static String userWithPassword(String name) {
        String token = hub.userWithToken(name);
        new UserStore(db).setPassword(name, Passwords.hash(PASSWORD), false);
        return token;
    }

    private void assertReadableError(String expected) {
        WebElement error = browser.waitFor(ExpectedConditions.visibilityOfElementLocated(By.id("error")));
        browser.waitFor(ExpectedConditions.textToBePresentInElement(error, expected));
        assertFalse(error.getText().contains("{"), "the hub's message, not its JSON: " + error.getText());
    }

    private static HttpResponse<String> webDav(String method, String path) throws Exception {
        String basic = Base64.getEncoder().encodeToString((TestWebDav.USER + ":" + TestWebDav.PASSWORD).getBytes(StandardCharsets.UTF_8));
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(TestWebDav.SERVER.resolve(path))
                .header("Authorization", "Basic " + basic).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void logIn(String name, String password) {
        browser.logIn(hub.url(""), name, password);
    }
}
