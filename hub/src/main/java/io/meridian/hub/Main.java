package io.meridian.hub;

import io.helidon.webserver.WebServer;
import io.meridian.hub.audit.AuditApi;
import io.meridian.hub.audit.AuditLog;
import io.meridian.hub.auth.AdminBootstrap;
import io.meridian.hub.auth.BearerVerifier;
import io.meridian.hub.auth.oidc.KeycloakAuth;
import io.meridian.hub.auth.Authenticator;
import io.meridian.hub.auth.LoginRateLimiter;
import io.meridian.hub.auth.SessionStore;
import io.meridian.hub.auth.TokenStore;
import io.meridian.hub.auth.TokensApi;
import io.meridian.hub.catalog.Catalog;
import io.meridian.hub.catalog.CatalogService;
import io.meridian.hub.catalog.PlatformApiDocument;
import io.meridian.hub.config.HubConfig;
import io.meridian.hub.courses.CoursePolicy;
import io.meridian.hub.courses.CourseJobStore;
import io.meridian.hub.courses.CourseServers;
import io.meridian.hub.courses.CourseStore;
import io.meridian.hub.courses.CoursesApi;
import io.meridian.hub.courses.Exchange;
import io.meridian.hub.courses.GroupDirectory;
import io.meridian.hub.courses.KeycloakGroupDirectory;
import io.meridian.hub.culler.IdleCuller;
import io.meridian.hub.dashboard.DashboardService;
import io.meridian.hub.db.Database;
import io.meridian.hub.deployments.DeploymentProxy;
import io.meridian.hub.deployments.DeploymentSettings;
import io.meridian.hub.deployments.Deployments;
import io.meridian.hub.deployments.DeploymentsApi;
import io.meridian.hub.groups.GroupStore;
import io.meridian.hub.inference.Inference;
import io.meridian.hub.inference.InferenceApi;
import io.meridian.hub.groups.GroupsApi;
import io.meridian.hub.ops.Metrics;
import io.meridian.hub.ops.OpsApi;
import io.meridian.hub.pages.Pages;
import io.meridian.hub.proxy.ProxyService;
import io.meridian.hub.quotas.QuotaApi;
import io.meridian.hub.quotas.QuotaUsage;
import io.meridian.hub.quotas.Quotas;
import io.meridian.hub.quotas.ServerQuotaPolicy;
import io.meridian.hub.proxy.ProxySettings;
import io.meridian.hub.servers.Kernelspec;
import io.meridian.hub.servers.SecretBox;
import io.meridian.hub.servers.ServerAccess;
import io.meridian.hub.servers.ServerLifecycle;
import io.meridian.hub.servers.ServerStore;
import io.meridian.hub.servers.ServersApi;
import io.meridian.hub.spawners.DockerSettings;
import io.meridian.hub.spawners.SpawnerFeatures;
import io.meridian.hub.spawners.SpawnersApi;
import io.meridian.hub.storage.NextcloudLogins;
import io.meridian.hub.storage.StorageService;
import io.meridian.hub.storage.UserStorage;
import io.meridian.hub.trainings.Trainings;
import io.meridian.hub.trainings.TrainingsApi;
import io.meridian.hub.users.UserStore;
import io.meridian.hub.users.UsersApi;
import io.meridian.hub.web.ErrorHandling;
import io.meridian.hub.web.PayloadLimit;
import io.meridian.spawner.Spawner;
import io.meridian.spawner.docker.DockerSpawner;
import io.meridian.spawner.docker.Profile;
import io.meridian.spawner.gpu.GpuAllocator;
import io.meridian.spawner.local.LocalProcessSpawner;
import io.meridian.spawner.local.LocalSpawnerConfig;
import io.meridian.hub.web.HubListener;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/** The hub: every service and how it is wired. {@code java -jar meridian-hub.jar [--config FILE]}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT %4$s %3$s: %5$s%6$s%n");
        }
        Optional<Path> configFile = args.length == 2 && args[0].equals("--config") ? Optional.of(Path.of(args[1])) : Optional.empty();
        if (args.length != 0 && configFile.isEmpty()) {
            System.err.println("usage: java -jar meridian-hub.jar [--config FILE]");
            System.exit(2);
        }
        Hub hub;
        try {
            hub = start(HubConfig.load(configFile, System.getenv()));
        } catch (RuntimeException e) {
            System.err.println("meridian: the hub could not start: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(hub::close));
        System.out.println("Meridian hub listening on http://127.0.0.1:" + hub.port() + "/hub/");
    }

    public static Hub start(HubConfig config) {
        List<AutoCloseable> resources = new ArrayList<>();
        Database db = Database.open(config.database());
        resources.add(db);
        UserStore users = new UserStore(db);
        ServerStore servers = new ServerStore(db);
        TokenStore tokens = new TokenStore(db);
        SessionStore sessions = new SessionStore(db);
        GroupStore groups = new GroupStore(db);
        AdminBootstrap.run(config.adminPassword(), config.adminToken(), users, tokens, System.out);

        // With Keycloak configured, its access tokens are API credentials next to hub tokens.
        Optional<KeycloakAuth> keycloak = config.keycloak().map(settings -> KeycloakAuth.create(settings, users, groups));
        Authenticator auth = new Authenticator(tokens, sessions, users,
                keycloak.map(k -> List.<BearerVerifier>of(k.bearer())).orElse(List.of()));
        Metrics metrics = new Metrics(() -> serversByState(servers));
        DeploymentSettings deploySettings = DeploymentSettings.fromEnv(System.getenv(), config.dataDir());
        // one allocator over the host's GPUs: servers' containers and deployments never get the same GPU
        GpuAllocator gpus = Deployments.gpuAllocator(deploySettings,
                Optional.ofNullable(config.docker()).map(DockerSettings::spawner));
        Spawner spawner = spawner(config, Kernelspec.install(config.kernelJar(), config.dataDir()), gpus);
        resources.addFirst(spawner);
        SecretBox secrets = SecretBox.fromKeyFile(config.dataDir().resolve("hub-secret.key"));
        Map<String, String> serverEnv = Kernelspec.extensions(config.kernelExtensions())
                .map(jars -> Map.of("MERIDIAN_KERNEL_EXTENSIONS", jars)).orElse(Map.of());
        SpawnerFeatures spawnerFeatures = new SpawnerFeatures(spawner, config.docker(), users);
        AuditLog auditLog = new AuditLog(db);
        CourseStore courses = new CourseStore(db);
        CoursePolicy coursePolicy = new CoursePolicy(courses, auditLog, Clock.systemUTC());
        Quotas quotas = new Quotas(db, config.quota());
        ServerLifecycle lifecycle = new ServerLifecycle(config.spawn(), spawner, servers, tokens, secrets, metrics,
                config.hubApiUrl(), serverEnv, new ServerQuotaPolicy(quotas, servers, spawnerFeatures), coursePolicy);
        resources.addFirst(lifecycle);
        spawnerFeatures.prepare(servers);
        lifecycle.recoverAndWatch();

        ServerAccess access = new ServerAccess(auth, lifecycle, servers, users, coursePolicy);
        ProxyService proxy = new ProxyService(access, ProxySettings.defaults());
        resources.addFirst(proxy);
        if (config.culler().enabled()) {
            IdleCuller culler = new IdleCuller(access, config.culler().timeout(), config.culler().interval());
            culler.start();
            resources.addFirst(culler);
        }
        Catalog catalog = config.catalog().open();
        UserStorage storage = new UserStorage(config.dataDir().resolve("storage"),
                config.dataDir().resolve("storage-connections"), secrets);
        Deployments deployments = new Deployments(deploySettings, db, catalog, gpus, quotas::of);
        resources.addFirst(deployments);
        deployments.recoverAndWatch();
        Trainings trainings = new Trainings(db, deployments);
        resources.addFirst(trainings);
        trainings.startPolling(deploySettings.pollInterval());
        Inference inference = new Inference(db, deployments, catalog, deploySettings.oscar());
        DeploymentProxy deploymentProxy = new DeploymentProxy(auth::api, deployments);
        resources.addFirst(deploymentProxy);
        AuditApi audit = new AuditApi(auth::api, auditLog, Clock.systemUTC());
        // where {"group": ...} rosters are read; none configured means rosters come as CSV only
        GroupDirectory groupDirectory = keycloak.filter(k -> k.settings().groupDirectory())
                .<GroupDirectory>map(k -> new KeycloakGroupDirectory(k.client(), Clock.systemUTC())).orElse(null);
        CourseServers courseServers = new CourseServers(lifecycle, servers, users, new CourseJobStore(db),
                config.spawn().concurrentLimit(), config.courses().startWait(), Clock.systemUTC());
        resources.addFirst(courseServers);
        // after the servers are re-adopted (recoverAndWatch above): the students of unfinished jobs go on
        courseServers.resume(courses::find);
        CoursesApi coursesApi = new CoursesApi(auth::api, courses, users, courseServers,
                new Exchange(spawner, courses, config.dataDir().resolve("courses"), config.courses().maxSubmissionBytes(),
                        Clock.systemUTC()),
                groupDirectory, profileNamed(spawner), auditLog, config.courses().maxUploadBytes(), Clock.systemUTC());
        QuotaApi quotaApi = new QuotaApi(auth::api, users, quotas, user -> {
            Deployments.Held held = deployments.held(user.name());
            return new QuotaUsage(storage.usedBytes(user.name()), servers.countActive(user.id()), held.deployments(),
                    held.resources());
        }, Clock.systemUTC());
        Pages pages = new Pages(auth, sessions, users, tokens,
                new LoginRateLimiter(config.login().maxFailures(), config.login().window(), Clock.systemUTC()),
                config.cookieSecure(), keycloak.isPresent());

        WebServer server = HubListener.builder()
                .host(config.host())
                .port(config.port())
                .maxPayloadSize(config.maxUploadBytes())
                .directHandlers(ErrorHandling.directHandlers())
                .routing(routing -> {
                    ErrorHandling.register(routing);
                    routing.addFilter(new PayloadLimit("/hub/", config.maxPayloadBytes()));
                    routing.addFilter(audit);
                    routing.addFilter((chain, req, res) -> {
                        chain.proceed();
                        metrics.httpRequest(req.prologue().method().text(), res.status().code());
                    });
                    routing.register("/hub/api",
                            new UsersApi(auth, users, servers),
                            new ServersApi(auth, users, servers, lifecycle, config.spawn().namedServerLimit(),
                                    config.spawn().keepalive()),
                            new TokensApi(auth, users, tokens),
                            new GroupsApi(auth, groups));
                    routing.register("/hub/dashboard", new DashboardService(auth));
                    // The Keycloak login answers /hub/oauth_*, /hub/logout (and /hub/login without local login) first.
                    keycloak.ifPresent(k -> routing.register("/hub", k.login(sessions, auth, config.cookieSecure())));
                    routing.register("/hub", new OpsApi(auth, db, metrics, lifecycle::spawnerKind, spawnerFeatures::health), pages);
                    routing.register("/api/v1",
                            new CatalogService(auth::api, catalog, user -> quotas.of(user).resources()),
                            new StorageService(auth::api, storage,
                                    new NextcloudLogins(storage, Duration.ofSeconds(2), Duration.ofMinutes(20)), quotas::of),
                            new PlatformApiDocument(),
                            new DeploymentsApi(auth::api, deployments),
                            new TrainingsApi(auth::api, trainings),
                            new InferenceApi(auth::api, inference),
                            new SpawnersApi(auth::api, spawnerFeatures),
                            coursesApi,
                            quotaApi,
                            audit);
                    routing.register("/deployments", deploymentProxy);
                    routing.register("/user", proxy);
                    routing.get("/", (req, res) -> res.status(302).header("Location", "/hub/home").send());
                    routing.any(ErrorHandling::notFound);
                })
                .addRouting(proxy.webSocketRouting())
                .build()
                .start();
        return new Hub(server, resources);
    }

    /** The spawner named in the configuration. */
    private static Spawner spawner(HubConfig config, Optional<Path> jupyterPath, GpuAllocator gpus) {
        return switch (config.spawner()) {
            case "local" -> new LocalProcessSpawner(LocalSpawnerConfig
                    .defaults(config.dataDir().resolve("users"), config.dataDir().resolve("servers"))
                    .withJupyterCommand(config.jupyterCommand())
                    .withJupyterPath(jupyterPath.stream().toList()));
            case "docker" -> new DockerSpawner(config.docker().spawner(), gpus);
            default -> throw new IllegalArgumentException("unknown spawner '" + config.spawner() + "': use local or docker");
        };
    }

    /** The spawner's profile of a name, for course profiles; the local spawner has none. */
    private static Function<String, Optional<Profile>> profileNamed(Spawner spawner) {
        List<Profile> profiles = spawner instanceof DockerSpawner docker ? docker.config().profiles() : List.of();
        return name -> profiles.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    private static Map<String, Long> serversByState(ServerStore servers) {
        Map<String, Long> counts = new TreeMap<>();
        servers.countByState().forEach((state, count) -> counts.put(state.db(), count));
        return counts;
    }

    /** A running hub; closing it stops the web server, then the services in reverse order of start. */
    public record Hub(WebServer server, List<AutoCloseable> resources) implements AutoCloseable {
        public int port() {
            return server.port();
        }

        @Override
        public void close() {
            server.stop();
            for (AutoCloseable resource : resources) {
                try {
                    resource.close();
                } catch (Exception e) {
                    System.getLogger(Main.class.getName()).log(System.Logger.Level.WARNING, "closing " + resource + " failed", e);
                }
            }
        }
    }
}
