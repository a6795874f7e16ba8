package io.meridian.hub.dashboard;

import io.meridian.hub.DockerCli;
import io.meridian.hub.TestHub;
import io.meridian.hub.auth.Passwords;
import io.meridian.hub.config.HubConfig;
import io.meridian.hub.db.Database;
import io.meridian.hub.users.UserStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.meridian.hub.DockerCli.docker;

/**
 * The dashboard with the Docker spawner and the real notebook image: a user starts a server from the
 * dashboard, opens it, and JupyterLab's own interface comes up in headless Chromium through the hub's proxy.
 */
class JupyterLabFromDashboardTest {
    private static final String IMAGE = "meridian/notebook:latest";
    private static final String RUN = UUID.randomUUID().toString().substring(0, 6);
    private static final String HUB_ID = "dsh-" + RUN;
    private static final String NETWORK = "meridian-dsh-" + RUN;
    private static final String USER = "dsh-lab-" + RUN;
    private static final String PASSWORD = "dsh-lab-password";
    private static TestHub hub;
    private static Database db;

    @BeforeAll
    static void startDockerHub() {
        assertTrue(docker("image", "inspect", "--format", "{{.Id}}", IMAGE).startsWith("sha256:"),
                "the notebook image is needed (images/build.sh)");
        String url = "jdbc:h2:mem:dashboard-lab-" + RUN + ";DB_CLOSE_DELAY=-1";
        // all interfaces: the kernels in containers call the hub back through the bridge network's gateway
        hub = TestHub.start(TestHub.tempDir(), Map.of("MERIDIAN_DB_URL", url), 20, 300, 0, """
                host: 0.0.0.0
                spawner: docker
                docker:
                  network: %s
                  hub_id: %s
                  pre_pull: false
                  profiles:
                    - name: small
                      display_name: Small (1 core, 1 GiB)
                      image: %s
                      cpus: 1
                      memory: 1G
                """.formatted(NETWORK, HUB_ID, IMAGE));
        db = Database.open(new HubConfig.DatabaseConfig(url, "", ""));
        hub.userWithToken(USER);
        new UserStore(db).setPassword(USER, Passwords.hash(PASSWORD), false);
    }

    @AfterAll
    static void stopHubAndRemoveWhatItMade() {
        try {
            if (hub != null) {
                hub.stopAllServers();
                hub.close();
            }
            if (db != null) {
                db.close();
            }
        } finally {
            DockerCli.removeHubResources(HUB_ID, NETWORK);
        }
    }

    @Test
    void serverStartedFromTheDashboardOpensJupyterLabInTheBrowser() {
        try (Browser browser = new Browser()) {
            browser.logIn(hub.url(""), USER, PASSWORD);
            browser.waitFor(ExpectedConditions.elementToBeClickable(
                    By.xpath("//tr[@data-server='default']//button[normalize-space()='Start default']"))).click();
            WebElement progress = browser.waitFor(420, ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector("[data-progress='default'][data-outcome]")));
            assertEquals("ready", progress.getAttribute("data-outcome"), progress.getText());
            assertTrue(progress.getText().contains("Small (1 core, 1 GiB)"), "the profile is named: " + progress.getText());

            browser.waitFor(ExpectedConditions.elementToBeClickable(By.linkText("Open default"))).click();
            browser.waitFor(60, ExpectedConditions.urlContains("/user/" + USER + "/lab"));
            // JupyterLab's own widgets, drawn by its scripts: the file browser and the launcher with the Java kernel
            try {
                browser.waitFor(180, ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".jp-DirListing")));
                browser.waitFor(120, ExpectedConditions.visibilityOfElementLocated(
                        By.cssSelector(".jp-Launcher .jp-LauncherCard[title*='Java (Meridian)']")));
            } catch (TimeoutException e) {
                browser.screenshot("jupyterlab-failed");
                throw new AssertionError("JupyterLab did not come up at " + browser.driver.getCurrentUrl()
                        + "; the browser logged: " + browser.consoleWarnings(), e);
            }
            browser.screenshot("jupyterlab");

            // JupyterLab's page carries the server token and its scripts send it along with the session cookie;
            // the hub lets those through by the session, but the server token alone is no way in.
            String pageToken = (String) browser.driver.executeScript(
                    "return JSON.parse(document.getElementById('jupyter-config-data').textContent).token || '';");
            assertFalse(pageToken.isEmpty(), "JupyterLab outside JupyterHub puts its token into the page");
            Object alone = browser.driver.executeAsyncScript("""
                    const done = arguments[arguments.length - 1];
                    fetch(arguments[0], {credentials: 'omit', headers: {Authorization: 'token ' + arguments[1]}})
                        .then(r => done(r.status), e => done(-1));""", "/user/" + USER + "/api/me", pageToken);
            assertEquals(401L, alone);

            browser.driver.get(hub.url("/hub/dashboard/#/home"));
            browser.waitFor(ExpectedConditions.elementToBeClickable(By.xpath("//button[normalize-space()='Stop default']"))).click();
            browser.waitFor(120, ExpectedConditions.textToBe(By.cssSelector("tr[data-server='default'] .state"), "stopped"));
            assertEquals(List.of(), browser.consoleErrors(), "the dashboard logged errors (scripts, CSP)");
        }
        assertTrue(hub.get("/hub/api/users/" + USER, TestHub.ADMIN_TOKEN).json().path("servers").isEmpty());
    }

    /** Runs the docker CLI and returns what it printed (stdout and stderr). */
}
