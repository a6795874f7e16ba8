package io.meridian.hub.ops;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.meridian.hub.auth.Authenticator;
import io.meridian.hub.db.Database;
import io.meridian.hub.spawners.SpawnerFeatures;
import io.meridian.hub.web.Json;

import java.util.function.Supplier;

/**
 * What operators and tools ask the hub about itself: the API version ({@code /hub/api/}),
 * details ({@code /hub/api/info}), health ({@code /hub/health}) and Prometheus metrics
 * ({@code /hub/metrics}, scope read:metrics).
 */
public final class OpsApi implements HttpService {
    /** The JupyterHub REST API version this hub answers like. */
    public static final String JUPYTERHUB_API_VERSION = "5.3.0";
    public static final String MERIDIAN_VERSION = "0.1.0";

    private final Authenticator auth;
    private final Database db;
    private final Metrics metrics;
    private final Supplier<String> spawnerKind;
    private final Supplier<SpawnerFeatures.Health> spawnerHealth;

    public OpsApi(Authenticator auth, Database db, Metrics metrics, Supplier<String> spawnerKind,
                  Supplier<SpawnerFeatures.Health> spawnerHealth) {
        this.auth = auth;
        this.db = db;
        this.metrics = metrics;
        this.spawnerKind = spawnerKind;
        this.spawnerHealth = spawnerHealth;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/api", this::version)
                .get("/api/", this::version)
                .get("/api/info", this::info)
                .get("/health", this::health)
                .get("/metrics", this::metrics);
    }

    private void version(ServerRequest req, ServerResponse res) {
        ObjectNode body = Json.object();
        body.put("version", JUPYTERHUB_API_VERSION);
        body.put("meridian", MERIDIAN_VERSION);
        Json.ok(res, body);
    }

    private void info(ServerRequest req, ServerResponse res) {
        auth.api(req).requireUnfiltered("read:hub");
        ObjectNode body = Json.object();
        body.put("version", JUPYTERHUB_API_VERSION);
        body.put("meridian", MERIDIAN_VERSION);
        body.put("python", "none: Meridian runs on Java " + Runtime.version());
        body.put("sys_executable", ProcessHandle.current().info().command().orElse("java"));
        ObjectNode authenticator = body.putObject("authenticator");
        authenticator.put("class", "meridian.LocalAccounts");
        authenticator.put("version", MERIDIAN_VERSION);
        ObjectNode spawner = body.putObject("spawner");
        spawner.put("class", "meridian." + spawnerKind.get());
        spawner.put("version", MERIDIAN_VERSION);
        Json.ok(res, body);
    }

    private void health(ServerRequest req, ServerResponse res) {
        boolean dbOk = db.healthy();
        SpawnerFeatures.Health spawnerNow = spawnerHealth.get();
        ObjectNode body = Json.object();
        // without its spawner backend the hub still serves logins, APIs and running servers: degraded, not failing
        body.put("status", !dbOk ? "failing" : spawnerNow.healthy() ? "ok" : "degraded");
        ObjectNode components = body.putObject("components");
        ObjectNode database = components.putObject("database");
        database.put("status", dbOk ? "ok" : "failing");
        database.put("product", db.product());
        ObjectNode spawner = components.putObject("spawner");
        spawner.put("status", spawnerNow.healthy() ? "ok" : "degraded");
        spawner.put("kind", spawnerNow.kind());
        if (!spawnerNow.detail().isEmpty()) {
            spawner.put("detail", spawnerNow.detail());
        }
        Json.send(res, dbOk ? 200 : 503, body);
    }

    private void metrics(ServerRequest req, ServerResponse res) {
        auth.api(req).requireUnfiltered("read:metrics");
        res.header("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        res.send(metrics.render());
    }
}
