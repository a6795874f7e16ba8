package io.meridian.hub.deployments;

import io.meridian.deepaas.client.DeepaasClient;
import io.meridian.hub.catalog.Catalog;
import io.meridian.hub.catalog.DeployConfig;
import io.meridian.hub.catalog.Resources;
import io.meridian.hub.db.Database;
import io.meridian.hub.quotas.Quota;
import io.meridian.hub.web.ApiException;
import io.meridian.spawner.SpawnException;
import io.meridian.spawner.docker.DockerSpawnerConfig;
import io.meridian.spawner.gpu.GpuAllocator;
import io.meridian.spawner.gpu.GpuDevice;
import io.meridian.spawner.gpu.GpuInventory;
import io.meridian.spawner.gpu.ServerRef;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Users' deployments: module containers answering the DEEPaaS API, limited by a per-user quota, kept in
 * the database and watched so that a container that dies is reported (and its GPUs freed) within a poll.
 */
public final class Deployments implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Deployments.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();

    private final DeploymentSettings settings;
    private final DeploymentStore store;
    private final DeploymentEngine engine;
    private final Catalog catalog;
    private final GpuAllocator gpus;
    private final Function<String, Quota> quotas;
    private final Map<String, DeepaasClient> clients = new ConcurrentHashMap<>();
    /** Deployments being deleted right now: the watcher must not report their container's end as a crash. */
    private final Set<String> deleting = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "deployment-watcher");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param gpus the allocator the hub's servers use too (see {@link #gpuAllocator}), so that a GPU goes to one
     *             container at a time
     */
    public Deployments(DeploymentSettings settings, Database db, Catalog catalog, GpuAllocator gpus) {
        this(settings, db, catalog, gpus, owner -> new Quota(null, null, settings.maxPerUser(), settings.quota().cpu(),
                settings.quota().memoryMb(), settings.quota().gpu()));
    }

    /**
     * @param quotas each user's quota (the hub's {@link io.meridian.hub.quotas.Quotas}); its deployment count,
     *               CPUs, memory and GPUs bound what the user's deployments hold together
     */
    public Deployments(DeploymentSettings settings, Database db, Catalog catalog, GpuAllocator gpus,
                       Function<String, Quota> quotas) {
        this.quotas = quotas;
        this.settings = settings;
        this.store = new DeploymentStore(db);
        this.engine = new DeploymentEngine(settings);
        this.catalog = catalog;
        this.gpus = gpus;
    }

    /**
     * The host's one GPU allocator. With the Docker spawner it covers the spawner's inventory ({@code docker.gpus})
     * and per-user quota, for servers and deployments together; deployments keep their own GPU quota on top.
     * Without it (servers are local processes with no GPUs) it covers {@code MERIDIAN_GPUS}, for deployments only.
     */
    public static GpuAllocator gpuAllocator(DeploymentSettings settings, Optional<DockerSpawnerConfig> docker) {
        if (docker.isEmpty()) {
            // without Docker servers only deployments hold GPUs, and their per-user bound is the user's quota
            // (checked in deploy, where an admin's override applies), so the allocator only keeps one holder per GPU
            return new GpuAllocator(settings.gpus(), Integer.MAX_VALUE);
        }
        GpuInventory host = docker.get().gpuInventory();
        if (settings.gpus().size() > 0 && !settings.gpus().devices().equals(host.devices())) {
            throw new IllegalArgumentException("MERIDIAN_GPUS lists " + ids(settings.gpus()) + " but the Docker spawner's"
                    + " docker.gpus has " + ids(host) + "; servers and deployments share one inventory, so name the GPUs"
                    + " once, in docker.gpus, and leave MERIDIAN_GPUS unset");
        }
        return new GpuAllocator(host, docker.get().gpuQuotaPerUser());
    }

    private static List<String> ids(GpuInventory inventory) {
        return inventory.devices().stream().map(GpuDevice::id).toList();
    }

    /** What a user asks for: a catalog module or an image, and optionally resources (else the module's). */
    public record Request(String module, String image, Integer port, Resources resources, String purpose) {
    }

    /** What a user's deployments hold now (those not exited). */
    public record Held(int deployments, Resources resources) {
    }

    public DeploymentSettings settings() {
        return settings;
    }

    /** Re-adopts this hub's containers after a restart, then watches them. */
    public void recoverAndWatch() {
        try {
            recover();
        } catch (ApiException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot recover deployments now (" + e.getMessage()
                    + "); they are checked again at every poll");
        }
        long every = settings.pollInterval().toMillis();
        watcher.scheduleWithFixedDelay(this::watchQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    /** Starts a deployment and waits until its DEEPaaS API answers. Every failure leaves nothing behind. */
    public Deployment create(String owner, Request request) {
        Target target = target(owner, request);
        engine.checkImage(target.image());
        String id = HexFormat.of().formatHex(bytes(6));
        ServerRef gpuHolder = ServerRef.deployment(owner, id);
        Deployment deployment;
        synchronized (this) {
            checkQuota(owner, target.resources());
            List<String> gpuIds;
            try {
                gpuIds = gpus.allocate(gpuHolder, target.resources().gpu(), false);
            } catch (SpawnException e) {
                throw ApiException.conflict(e.getMessage());
            }
            deployment = new Deployment(id, owner, target.purpose(), target.module(), target.image(), target.port(),
                    target.resources(), gpuIds, Deployment.STARTING, "starting the container", Instant.now(), null, null);
            store.insert(deployment);
        }
        String containerId = null;
        try {
            containerId = engine.start(id, owner, deployment.image(), deployment.resources(), deployment.gpus());
            store.update(id, Deployment.STARTING, "waiting for the DEEPaaS API to answer", containerId, null);
            String upstream = engine.awaitAnswer(containerId, deployment.port(), settings.startTimeout());
            store.update(id, Deployment.RUNNING, null, containerId, upstream);
            LOG.log(System.Logger.Level.INFO, "Deployment " + id + " of " + owner + " (" + deployment.image()
                    + ") answers at " + upstream);
            return store.find(id).orElseThrow();
        } catch (RuntimeException e) {
            if (containerId != null) {
                try {
                    engine.remove(containerId);
                } catch (ApiException removal) {
                    LOG.log(System.Logger.Level.WARNING, "cannot remove failed deployment " + id + ": " + removal.getMessage());
                }
            }
            gpus.release(gpuHolder);
            store.delete(id);
            throw e;
        }
    }

    public List<Deployment> list(String owner) {
        return store.byOwner(owner);
    }

    /** The caller's deployment; someone else's is 404, as if it did not exist. */
    public Deployment get(String owner, String id) {
        return store.find(id).filter(d -> d.owner().equals(owner))
                .orElseThrow(() -> ApiException.notFound("no deployment '" + shown(id) + "'"));
    }

    public Optional<Deployment> find(String id) {
        return store.find(id);
    }

    public String logs(String owner, String id, int tail) {
        Deployment d = get(owner, id);
        if (d.containerId() == null) {
            return "";
        }
        return engine.logs(d.containerId(), Math.max(1, Math.min(tail, 10_000)));
    }

    /** Stops and removes the container and frees its GPUs; the deployment is forgotten. */
    public void delete(String owner, String id) {
        Deployment d = get(owner, id);
        deleting.add(id);
        try {
            if (d.containerId() != null) {
                engine.remove(d.containerId());
            }
            gpus.release(ServerRef.deployment(d.owner(), d.id()));
            clients.remove(id);
            store.delete(id);
        } finally {
            deleting.remove(id);
        }
    }

    /** A DEEPaaS client of a running deployment, straight to its container. */
    public DeepaasClient client(Deployment d) {
        if (!d.running() || d.upstream() == null) {
            throw ApiException.conflict("deployment " + d.id() + " is " + d.state()
                    + (d.message() == null ? "" : " (" + d.message() + ")"));
        }
        return clients.computeIfAbsent(d.id(), k -> DeepaasClient.connect(URI.create(d.upstream()))
                .withTimeout(Duration.ofMinutes(5)));
    }

    /**
     * Checks one deployment's container now: a running deployment whose container stopped or vanished
     * becomes exited (with Docker's account of why) and frees its GPUs.
     */
    public Deployment refresh(Deployment d) {
        if (!d.running() || d.containerId() == null || deleting.contains(d.id())) {
            return d;
        }
        Optional<DeploymentEngine.ContainerState> state = engine.inspect(d.containerId());
        if (state.isPresent() && state.get().running()) {
            return d;
        }
        String why = state.map(s -> "the container stopped: " + s.description())
                .orElse("the container was removed outside the hub");
        store.update(d.id(), Deployment.EXITED, why, d.containerId(), d.upstream());
        gpus.release(ServerRef.deployment(d.owner(), d.id()));
        clients.remove(d.id());
        LOG.log(System.Logger.Level.INFO, "Deployment " + d.id() + " of " + d.owner() + " ended: " + why);
        return d.withState(Deployment.EXITED, why);
    }

    @Override
    public void close() throws Exception {
        watcher.shutdownNow();
        engine.close();
    }

    // ---- internals

    private record Target(String module, String image, int port, Resources resources, String purpose) {
    }

    private Target target(String owner, Request request) {
        String purpose = request.purpose() == null ? "training" : request.purpose();
        if (!purpose.equals("training") && !purpose.equals("inference")) {
            throw ApiException.badRequest("purpose must be 'training' or 'inference'");
        }
        boolean hasModule = request.module() != null && !request.module().isBlank();
        boolean hasImage = request.image() != null && !request.image().isBlank();
        if (hasModule == hasImage) {
            throw ApiException.badRequest("give either 'module' (a catalog module id) or 'image' (an allowed image)");
        }
        if (hasModule) {
            DeployConfig config = catalog.deployConfig(request.module(), purpose, quotas.apply(owner).resources());
            Resources resources = request.resources() == null ? config.granted() : request.resources();
            return new Target(config.module(), config.image(), config.port(), valid(resources), purpose);
        }
        String image = request.image().trim();
        if (!image.matches("[a-zA-Z0-9][a-zA-Z0-9._/:@-]{0,250}")) {
            throw ApiException.badRequest("'" + shown(image) + "' is not an image reference");
        }
        if (!settings.allows(image)) {
            throw ApiException.forbidden("image " + image + " is not allowed here; deploy a catalog module or one of "
                    + settings.allowedImages());
        }
        int port = request.port() == null ? 5000 : request.port();
        if (port < 1 || port > 65535) {
            throw ApiException.badRequest("port must be between 1 and 65535");
        }
        Resources resources = request.resources() == null ? Resources.MODULE_DEFAULT : request.resources();
        return new Target(null, image, port, valid(resources), purpose);
    }

    private static Resources valid(Resources r) {
        if (r.cpu() < 1 || r.memoryMb() < 64 || r.gpu() < 0) {
            throw ApiException.badRequest("resources need cpu >= 1, memory_mb >= 64 and gpu >= 0, not " + r);
        }
        return r;
    }

    public Held held(String owner) {
        List<Deployment> active = store.byOwner(owner).stream().filter(d -> !Deployment.EXITED.equals(d.state())).toList();
        return new Held(active.size(), new Resources(active.stream().mapToInt(d -> d.resources().cpu()).sum(),
                active.stream().mapToLong(d -> d.resources().memoryMb()).sum(),
                active.stream().mapToInt(d -> d.resources().gpu()).sum()));
    }

    private void checkQuota(String owner, Resources asked) {
        Held held = held(owner);
        Quota quota = quotas.apply(owner);
        if (quota.deployments() != null && held.deployments() >= quota.deployments()) {
            throw ApiException.forbidden("deployment quota exceeded: you have " + held.deployments() + " deployment(s) and"
                    + " the limit is " + quota.deployments() + "; delete one first");
        }
        int cpu = held.resources().cpu() + asked.cpu();
        long memory = held.resources().memoryMb() + asked.memoryMb();
        int gpu = held.resources().gpu() + asked.gpu();
        Resources limit = quota.resources();
        if (cpu > limit.cpu() || memory > limit.memoryMb() || gpu > limit.gpu()) {
            throw ApiException.forbidden("resource quota exceeded: your deployments would hold " + cpu + " CPUs, "
                    + memory + " MB and " + gpu + " GPUs; your quota is " + shown(quota.cpu(), " CPUs, ")
                    + shown(quota.memoryMb(), " MB and ") + shown(quota.gpus(), " GPUs")
                    + ". Ask for less or delete a deployment.");
        }
    }

    private static String shown(Number limit, String unit) {
        return (limit == null ? "unlimited" : limit.toString()) + unit;
    }

    private void recover() {
        List<Deployment> recorded = store.all();
        if (recorded.isEmpty()) {
            // nothing to re-adopt, and a hub without Docker should not warn at every start
            return;
        }
        List<DeploymentEngine.Labeled> containers = engine.list();
        Set<String> known = ConcurrentHashMap.newKeySet();
        for (Deployment d : recorded) {
            known.add(d.id());
            if (d.containerId() == null || !d.running()) {
                if (Deployment.STARTING.equals(d.state())) {
                    // the hub stopped while this one was starting: nobody waits for it any more
                    store.update(d.id(), Deployment.EXITED, "the hub restarted while the deployment was starting",
                            d.containerId(), null);
                    if (d.containerId() != null) {
                        engine.remove(d.containerId());
                    }
                }
                continue;
            }
            Optional<DeploymentEngine.Labeled> container = containers.stream()
                    .filter(c -> c.containerId().equals(d.containerId())).findFirst();
            if (container.isPresent() && container.get().running()) {
                gpus.restore(ServerRef.deployment(d.owner(), d.id()), d.gpus(), false);
                // the container may have a new address if Docker restarted it
                engine.inspect(d.containerId()).map(DeploymentEngine.ContainerState::ip).ifPresent(ip ->
                        store.update(d.id(), Deployment.RUNNING, null, d.containerId(),
                                "http://" + ip + ":" + d.port() + "/"));
            } else {
                refresh(d);
            }
        }
        for (DeploymentEngine.Labeled c : containers) {
            if (!known.contains(c.deployment())) {
                LOG.log(System.Logger.Level.INFO, "Removing container " + c.containerId() + " of unknown deployment "
                        + c.deployment());
                engine.remove(c.containerId());
            }
        }
    }

    private void watchQuietly() {
        try {
            store.all().forEach(this::refresh);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "deployment watch failed: " + e.getMessage());
        }
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    static String shown(String s) {
        return s == null ? "" : s.length() > 60 ? s.substring(0, 60) + "..." : s.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
