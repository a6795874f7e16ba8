package io.meridian.hub.dashboard;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Headless Debian Chromium driven through its own chromedriver (paths given, so Selenium Manager
 * never downloads anything), with a fresh profile per browser, explicit waits and screenshots.
 */
final class Browser implements AutoCloseable {
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final String NETWORK_CHANGED = "net::ERR_NETWORK_CHANGED";

    final ChromeDriver driver;
    private final Path profile;
    // Reading the browser's log empties it: what was read is kept here for every later question.
    private final List<LogEntry> log = new ArrayList<>();

    // Chromium is newer than Selenium's DevTools bindings; the tests use WebDriver only, so that warning is noise.
    // Held in fields: java.util.logging keeps loggers weakly, and a collected one forgets its level.
    private static final List<Logger> QUIET = List.of(
            Logger.getLogger("org.openqa.selenium.devtools"), Logger.getLogger("org.openqa.selenium.chromium"));

    static {
        QUIET.forEach(logger -> logger.setLevel(Level.SEVERE));
    }

    Browser() {
        try {
            profile = Files.createTempDirectory("meridian-chromium");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver"))
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-quic", "--user-data-dir=" + profile, "--window-size=1280,900");
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60)).scriptTimeout(Duration.ofSeconds(60));
    }

    /** Waits up to {@code seconds} for a non-null, non-false answer; a re-rendered element just means "look again". */
    <T> T waitFor(int seconds, ExpectedCondition<T> condition) {
        return new WebDriverWait(driver, Duration.ofSeconds(seconds), Duration.ofMillis(100))
                .ignoring(StaleElementReferenceException.class)
                .until(condition);
    }

    <T> T waitFor(ExpectedCondition<T> condition) {
        return waitFor(30, condition);
    }

    void screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Files.write(SCREENSHOTS.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Errors the dashboard's pages logged (script errors, CSP violations), leaving out HTTP answers the page
     * asked for and handles (a refused call is shown to the user, not a bug) and pages of other apps (Jupyter).
     */
    List<String> consoleErrors() {
        return log().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .filter(message -> message.contains("/hub/dashboard/"))
                .filter(message -> !message.contains("Failed to load resource: the server responded with a status of"))
                .filter(message -> !message.contains(NETWORK_CHANGED))
                .toList();
    }

    /**
     * Waits until the dashboard has started (it names who is logged in). Docker creating or removing a network on
     * this shared machine makes Chromium abort the loads in flight with ERR_NETWORK_CHANGED, a module among them;
     * then, and only then, the page is loaded once more.
     */
    void waitForDashboardOf(String user) {
        ExpectedCondition<Boolean> started = ExpectedConditions.textToBePresentInElementLocated(By.id("whoami"), user);
        try {
            waitFor(started);
        } catch (TimeoutException e) {
            if (log().stream().noneMatch(entry -> entry.getMessage().contains(NETWORK_CHANGED))) {
                throw e;
            }
            driver.navigate().refresh();
            waitFor(started);
        }
    }

    /** Logs in through the hub's login form at {@code hubUrl} and waits for the dashboard to name the user. */
    void logIn(String hubUrl, String user, String password) {
        driver.get(hubUrl + "/hub/login?next=/hub/dashboard/");
        waitFor(ExpectedConditions.presenceOfElementLocated(By.id("username"))).sendKeys(user);
        driver.findElement(By.id("password")).sendKeys(password);
        driver.findElement(By.cssSelector("form [type='submit']")).click();
        waitForDashboardOf(user);
    }

    /** Clicks once clickable; a list that refreshes itself may replace the element in between: then it is found again. */
    void click(By by) {
        waitFor(d -> {
            WebElement element = ExpectedConditions.elementToBeClickable(by).apply(d);
            if (element == null) {
                return false;
            }
            element.click();
            return true;
        });
    }

    /** Fails the test if the dashboard logged errors (scripts, CSP), and closes the browser either way. */
    void closeAfterCheckingConsole() {
        try {
            assertEquals(List.of(), consoleErrors(), "the page logged errors (scripts, CSP)");
        } finally {
            close();
        }
    }

    /** Everything any page logged at warning level or above, for a failure message. */
    List<String> consoleWarnings() {
        return log().stream().filter(entry -> entry.getLevel().intValue() >= Level.WARNING.intValue())
                .map(LogEntry::getMessage).toList();
    }

    private List<LogEntry> log() {
        log.addAll(driver.manage().logs().get(LogType.BROWSER).getAll());
        return log;
    }

    void size(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    WebDriver.Navigation navigate() {
        return driver.navigate();
    }

    @Override
    public void close() {
        driver.quit();
        try (var files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp profile is harmless
        }
    }
}
