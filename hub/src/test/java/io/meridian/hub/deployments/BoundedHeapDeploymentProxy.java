package io.meridian.hub.deployments;

import io.helidon.webserver.WebServer;
import io.meridian.hub.auth.Authenticator;
import io.meridian.hub.auth.SessionStore;
import io.meridian.hub.auth.TokenStore;
import io.meridian.hub.catalog.CatalogSettings;
import io.meridian.hub.catalog.Resources;
import io.meridian.hub.config.HubConfig;
import io.meridian.hub.db.Database;
import io.meridian.hub.users.User;
import io.meridian.hub.users.UserStore;
import io.meridian.hub.web.ErrorHandling;
import io.meridian.spawner.gpu.GpuAllocator;
import io.meridian.hub.web.HubListener;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The hub's deployment proxy in a JVM of its own, started by {@link DeploymentProxyLargeBodiesTest} with a small
 * heap: {@code BoundedHeapDeploymentProxy DATA_DIR UPSTREAM_URL}. The one deployment of user {@code dpl-big} runs
 * at UPSTREAM_URL (a DEEPaaS stand-in in the test, since the module runtime itself keeps uploads in memory).
 * Prints "READY port owner-token other-token deployment-id max-heap" and serves until its stdin closes.
 */
public final class BoundedHeapDeploymentProxy {
    private BoundedHeapDeploymentProxy() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        try (Database db = Database.open(HubConfig.embedded(data))) {
            UserStore users = new UserStore(db);
            TokenStore tokens = new TokenStore(db);
            Authenticator auth = new Authenticator(tokens, new SessionStore(db), users);
            DeploymentSettings settings = DeploymentSettings.fromEnv(Map.of(), data);
            try (Deployments deployments = new Deployments(settings, db, CatalogSettings.fromEnv(Map.of(), data).open(),
                    new GpuAllocator(settings.gpus(), 0));
                 DeploymentProxy proxy = new DeploymentProxy(auth::api, deployments)) {
                String owner = token(users, tokens, "dpl-big");
                String other = token(users, tokens, "dpl-other");
                // a running deployment without a container: the watcher is not started, the upstream is the test's
                new DeploymentStore(db).insert(new Deployment("0123456789ab", "dpl-big", "inference", null,
                        "meridian/module-sink:latest", 5000, Resources.MODULE_DEFAULT, List.of(), Deployment.RUNNING,
                        null, Instant.now(), null, args[1]));
                WebServer server = HubListener.builder()
                        .host("127.0.0.1")
                        .port(0)
                        .directHandlers(ErrorHandling.directHandlers())
                        .routing(routing -> {
                            ErrorHandling.register(routing);
                            routing.register("/deployments", proxy);
                            routing.any(ErrorHandling::notFound);
                        })
                        .build()
                        .start();
                System.out.println("READY " + server.port() + " " + owner + " " + other + " 0123456789ab "
                        + Runtime.getRuntime().maxMemory());
                System.out.flush();
                while (System.in.read() >= 0) {
                    // serve until the test closes our stdin
                }
                server.stop();
            }
        }
    }

    private static String token(UserStore users, TokenStore tokens, String name) {
        User user = users.create(List.of(name), false).get(0);
        return tokens.issue(user.id(), List.of("self"), "test", null).secret();
    }
}
