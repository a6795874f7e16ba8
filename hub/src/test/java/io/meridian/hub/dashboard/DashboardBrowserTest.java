package io.meridian.hub.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.hub.TestHub;
import io.meridian.hub.auth.Passwords;
import io.meridian.hub.config.HubConfig;
import io.meridian.hub.db.Database;
import io.meridian.hub.users.UserStore;
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

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard in headless Chromium against a real hub (local spawner, real Jupyter servers):
 * what a user and an admin see and do, with a screenshot of each page in target/screenshots.
 */
class DashboardBrowserTest {
    private static final String USER = "ada";
    private static final String USER_PASSWORD = "ada-browser-password";
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
        try {
            assertEquals(List.of(), browser.consoleErrors(), "the page logged errors (scripts, CSP)");
        } finally {
            browser.close();
        }
    }

    @Test
    void userStartsServerWatchesProgressUntilReadyAndOpensIt() {
        logIn(USER, USER_PASSWORD);
        click(By.xpath("//tr[@data-server='default']//button[normalize-space()='Start default']"));
        WebElement progress = browser.waitFor(120, ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("[data-progress='default'][data-outcome]")));
        assertEquals("ready", progress.getAttribute("data-outcome"), progress.getText());
        assertEquals("100", progress.findElement(By.tagName("progress")).getAttribute("value"));
        List<WebElement> messages = progress.findElements(By.cssSelector("ol.log li"));
        assertTrue(messages.size() >= 2, "the spawner's steps are shown: " + progress.getText());
        browser.waitFor(ExpectedConditions.textToBe(By.cssSelector("tr[data-server='default'] .state"), "ready"));
        browser.screenshot("servers");

        click(By.linkText("Open default"));
        browser.waitFor(ExpectedConditions.urlContains("/user/ada/"));
        browser.driver.get(hub.url("/user/ada/api/status"));
        assertTrue(browser.driver.getPageSource().contains("\"started\""), browser.driver.getPageSource());

        browser.driver.get(hub.url("/hub/dashboard/#/home"));
        click(By.xpath("//button[normalize-space()='Stop default']"));
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
        click(By.xpath("//button[normalize-space()='Filter']"));
        browser.waitFor(ExpectedConditions.numberOfElementsToBe(By.cssSelector("[data-module]"), 1));
        assertEquals("plant-species-classifier", browser.driver.findElement(By.cssSelector("[data-module]")).getAttribute("data-module"));

        search.clear();
        search.sendKeys("no-such-module-anywhere");
        click(By.xpath("//button[normalize-space()='Filter']"));
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
        click(By.xpath("//section[@id='deploy']//button[normalize-space()='Deploy']"));
        WebElement row = browser.waitFor(180, ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-deployment]")));
        String id = row.getAttribute("data-deployment");
        browser.waitFor(60, ExpectedConditions.textToBe(By.cssSelector("tr[data-deployment] .state"), "running"));
        assertEquals("iris-classifier", hub.get("/api/v1/deployments/" + id, adaToken).json().get("module").asText());
        click(By.xpath("//tr[@data-deployment]//a[normalize-space()='deepaas']"));
        browser.waitFor(ExpectedConditions.urlContains("/deployments/" + id + "/"));
        browser.navigate().back();
        browser.waitFor(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-deployment]")));

        int started = hub.post("/api/v1/trainings", adaToken, """
                {"deployment": "%s", "args": {"epochs": 100000, "epoch_delay_ms": 10}}""".formatted(id)).status();
        assertEquals(201, started);
        click(By.xpath("//tr[@data-training]//button[normalize-space()='Cancel']"));
        browser.waitFor(60, ExpectedConditions.textToBe(By.cssSelector("tr[data-training] .state"), "cancelled"));

        click(By.xpath("//tr[@data-deployment]//button[normalize-space()='Logs']"));
        browser.waitFor(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("pre.logs")));
        browser.screenshot("deployments-running");
        click(By.xpath("//tr[@data-deployment]//button[normalize-space()='Delete']"));
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
        click(By.xpath("//button[normalize-space()='Upload']"));
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

        click(By.xpath("//button[normalize-space()='Rename results.txt']"));
        browser.waitFor(ExpectedConditions.alertIsPresent()).sendKeys("final.txt");
        browser.driver.switchTo().alert().accept();
        browser.waitFor(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-entry='final.txt']")));

        click(By.xpath("//button[normalize-space()='Delete final.txt']"));
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

        click(By.xpath("//button[normalize-space()='Stop bob/default']"));
        browser.waitFor(60, ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("tr[data-running='bob/']")));
        assertTrue(hub.get("/hub/api/users/bob", TestHub.ADMIN_TOKEN).json().path("servers").isEmpty());
    }

    @Test
    void normalUserGetsNoAdminPageAndTheApiRefusesAnyway() {
        logIn(USER, USER_PASSWORD);
        assertFalse(browser.driver.findElement(By.id("admin-nav")).isDisplayed());
        browser.driver.get(hub.url("/hub/dashboard/#/admin"));
        browser.waitFor(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-view='home']")));
        Object status = browser.driver.executeAsyncScript(
                "const done = arguments[0]; fetch('/hub/api/users').then(r => done(r.status), e => done(-1));");
        assertEquals(403L, status);

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
        click(By.xpath("//button[normalize-space()='Request new token']"));
        String token = browser.waitFor(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#new-token code"))).getText();
        assertEquals(200, hub.get("/hub/api/user", token).status());
        browser.screenshot("tokens-narrow");

        click(By.xpath("//button[normalize-space()='Revoke from the dashboard']"));
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
        click(By.xpath("//button[normalize-space()='Create']"));
        WebElement error = browser.waitFor(ExpectedConditions.visibilityOfElementLocated(By.id("error")));
        assertFalse(error.getText().isBlank());
        assertFalse(error.getText().contains("{"), "the message, not the JSON: " + error.getText());
    }

    private void logIn(String name, String password) {
        browser.driver.get(hub.url("/hub/login?next=/hub/dashboard/"));
        browser.waitFor(ExpectedConditions.presenceOfElementLocated(By.id("username"))).sendKeys(name);
        browser.driver.findElement(By.id("password")).sendKeys(password);
        browser.driver.findElement(By.cssSelector("form [type='submit']")).click();
        browser.waitFor(ExpectedConditions.textToBePresentInElementLocated(By.id("whoami"), name));
    }

    // Lists that refresh themselves may replace the element between finding and clicking: then find it again.
    private void click(By by) {
        browser.waitFor(driver -> {
            WebElement element = ExpectedConditions.elementToBeClickable(by).apply(driver);
            if (element == null) {
                return false;
            }
            element.click();
            return true;
        });
    }
}
