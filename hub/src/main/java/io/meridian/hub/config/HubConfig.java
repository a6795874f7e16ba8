package io.meridian.hub.config;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.meridian.hub.auth.oidc.OidcSettings;
import io.meridian.hub.catalog.CatalogSettings;
import io.meridian.hub.quotas.Quota;
import io.meridian.hub.spawners.DockerSettings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The hub's whole configuration: one YAML file, then {@code MERIDIAN_*} environment variables on top.
 *
 * @param host             interface to bind (default all)
 * @param port             HTTP port (MERIDIAN_PORT, default 8000)
 * @param publicUrl        how servers reach the hub, e.g. http://127.0.0.1:8000 (MERIDIAN_PUBLIC_URL)
 * @param dataDir          hub data: embedded database, key file, kernelspecs (MERIDIAN_DATA_DIR, default ./data)
 * @param database         JDBC settings; the embedded file database unless a URL is given
 * @param cookieSecure     mark session cookies Secure (behind https; MERIDIAN_COOKIE_SECURE)
 * @param maxPayloadBytes  largest request body of the hub's own APIs and pages (413 above it)
 * @param maxUploadBytes   largest request body anywhere (storage uploads, files through the proxy)
 * @param adminPassword    creates or resets the local user admin (MERIDIAN_ADMIN_PASSWORD), may be null
 * @param adminToken       registered as an API token of admin (MERIDIAN_ADMIN_TOKEN), may be null
 * @param spawner          spawner backend name ({@code local} by default)
 * @param spawn            lifecycle limits
 * @param culler           idle culling
 * @param kernelJar        the Meridian kernel jar whose kernelspec is installed for servers, may be null
 * @param kernelExtensions jars the kernel loads as extensions, path-separated (MERIDIAN_KERNEL_EXTENSIONS), may be null
 * @param jupyterCommand   the {@code jupyter} launcher of the local spawner (MERIDIAN_JUPYTER)
 * @param keycloak         Keycloak (OIDC) login, empty for local accounts only (keycloak.*, MERIDIAN_KEYCLOAK_*)
 * @param login            login rate limiting
 * @param docker           the Docker spawner's settings ({@code docker:}); null unless {@code spawner} is docker
 * @param courses          limits of the course exchange ({@code courses:})
 * @param catalog          where the module catalog comes from ({@code catalog:}, MERIDIAN_CATALOG_*)
 * @param quota            every user's quota unless an admin sets another ({@code quota:})
 */
public record HubConfig(String host,
                        int port,
                        String publicUrl,
                        Path dataDir,
                        DatabaseConfig database,
                        boolean cookieSecure,
                        long maxPayloadBytes,
                        long maxUploadBytes,
                        String adminPassword,
                        String adminToken,
                        String spawner,
                        SpawnConfig spawn,
                        CullerConfig culler,
                        Path kernelJar,
                        String kernelExtensions,
                        Path jupyterCommand,
                        LoginConfig login,
                        DockerSettings docker,
                        Optional<OidcSettings> keycloak,
                        CourseConfig courses,
                        CatalogSettings catalog,
                        Quota quota) {

    /** JDBC URL, user and password; {@link #embedded()} when none is configured. */
    public record DatabaseConfig(String url, String user, String password) {
    }

    /**
     * @param startTimeout       how long a start may take before it is reported failed
     * @param concurrentLimit    spawns pending at once; more are answered 429
     * @param namedServerLimit   named servers per user
     * @param pollInterval       how often ready servers are polled
     * @param answerWithin       how long a start/stop request waits before answering 202
     * @param keepalive          interval of SSE keepalive comments
     */
    public record SpawnConfig(Duration startTimeout, int concurrentLimit, int namedServerLimit,
                              Duration pollInterval, Duration answerWithin, Duration keepalive) {
    }

    public record CullerConfig(boolean enabled, Duration timeout, Duration interval) {
    }

    /** At most {@code maxFailures} failed logins per user and address within {@code window}. */
    public record LoginConfig(int maxFailures, Duration window) {
    }

    /**
     * @param maxUploadBytes     largest assignment or shared-data upload, packed and unpacked
     * @param maxSubmissionBytes largest submission (a student's assignment folder)
     * @param startWait          how long a start-all job waits for one student's server
     */
    public record CourseConfig(long maxUploadBytes, long maxSubmissionBytes, Duration startWait) {
    }

    public static HubConfig load(Optional<Path> file, Map<String, String> env) {
        Config yaml = file.map(HubConfig::readYaml).orElseGet(Config::empty);
        int port = Integer.parseInt(env.getOrDefault("MERIDIAN_PORT", yaml.get("port").asString().orElse("8000")));
        Path dataDir = Path.of(env.getOrDefault("MERIDIAN_DATA_DIR", yaml.get("data_dir").asString().orElse("./data")))
                .toAbsolutePath().normalize();
        String dbUrl = env.getOrDefault("MERIDIAN_DB_URL", yaml.get("database.url").asString().orElse(""));
        DatabaseConfig database = dbUrl.isEmpty()
                ? embedded(dataDir)
                : new DatabaseConfig(dbUrl,
                env.getOrDefault("MERIDIAN_DB_USER", yaml.get("database.user").asString().orElse("")),
                env.getOrDefault("MERIDIAN_DB_PASSWORD", yaml.get("database.password").asString().orElse("")));
        String publicUrl = env.getOrDefault("MERIDIAN_PUBLIC_URL",
                yaml.get("public_url").asString().orElse("http://127.0.0.1:" + port));
        SpawnConfig spawn = new SpawnConfig(
                seconds(yaml, "spawn.start_timeout_seconds", 120),
                yaml.get("spawn.concurrent_limit").asInt().orElse(20),
                yaml.get("spawn.named_server_limit").asInt().orElse(10),
                seconds(yaml, "spawn.poll_interval_seconds", 30),
                Duration.ofMillis(yaml.get("spawn.answer_within_ms").asLong().orElse(1500L)),
                seconds(yaml, "spawn.keepalive_seconds", 10));
        CullerConfig culler = new CullerConfig(
                yaml.get("culler.enabled").asBoolean().orElse(true),
                seconds(yaml, "culler.timeout_seconds", 3600),
                seconds(yaml, "culler.interval_seconds", 300));
        LoginConfig login = new LoginConfig(
                yaml.get("login.max_failures").asInt().orElse(5),
                seconds(yaml, "login.window_seconds", 300));
        String spawner = env.getOrDefault("MERIDIAN_SPAWNER", yaml.get("spawner").asString().orElse("local"));
        String kernelJar = env.getOrDefault("MERIDIAN_KERNEL_JAR", yaml.get("kernel.jar").asString().orElse(""));
        return new HubConfig(
                yaml.get("host").asString().orElse("0.0.0.0"),
                port,
                stripSlash(publicUrl),
                dataDir,
                database,
                Boolean.parseBoolean(env.getOrDefault("MERIDIAN_COOKIE_SECURE",
                        yaml.get("cookie_secure").asString().orElse("false"))),
                yaml.get("max_payload_bytes").asLong().orElse(1024L * 1024),
                yaml.get("max_upload_bytes").asLong().orElse(1024L * 1024 * 1024),
                blankToNull(env.get("MERIDIAN_ADMIN_PASSWORD")),
                blankToNull(env.get("MERIDIAN_ADMIN_TOKEN")),
                spawner,
                spawn,
                culler,
                kernelJar.isEmpty() ? null : Path.of(kernelJar).toAbsolutePath(),
                env.getOrDefault("MERIDIAN_KERNEL_EXTENSIONS", yaml.get("kernel.extensions").asString().orElse(null)),
                Path.of(env.getOrDefault("MERIDIAN_JUPYTER", yaml.get("local.jupyter").asString().orElse("/usr/bin/jupyter"))),
                login,
                spawner.equals("docker") ? DockerSettings.fromYaml(yaml, env, dataDir, spawn.startTimeout()) : null,
                OidcSettings.load(yaml, env, stripSlash(publicUrl)),
                new CourseConfig(yaml.get("courses.max_upload_bytes").asLong().orElse(100L * 1024 * 1024),
                        yaml.get("courses.max_submission_bytes").asLong().orElse(50L * 1024 * 1024),
                        seconds(yaml, "courses.start_wait_seconds", spawn.startTimeout().toSeconds() + 60)),
                CatalogSettings.load(yaml, env, dataDir),
                Quota.defaults(yaml, env));
    }

    public static DatabaseConfig embedded(Path dataDir) {
        return new DatabaseConfig("jdbc:h2:file:" + dataDir.resolve("meridian").toAbsolutePath()
                + ";DB_CLOSE_ON_EXIT=FALSE", "sa", "");
    }

    /** The hub API URL servers are given (MERIDIAN_HUB_API_URL). */
    public String hubApiUrl() {
        return publicUrl + "/hub/api";
    }

    private static Config readYaml(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("configuration file not found: " + path);
        }
        return Config.builder()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .addSource(ConfigSources.file(path))
                .build();
    }

    private static Duration seconds(Config yaml, String key, long defaultSeconds) {
        return Duration.ofSeconds(yaml.get(key).asLong().orElse(defaultSeconds));
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
