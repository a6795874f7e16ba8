package io.meridian.spawner.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.DeviceRequest;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PullResponseItem;
import com.github.dockerjava.api.model.Version;
import com.github.dockerjava.api.model.Volume;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import io.meridian.spawner.HomeFiles;
import io.meridian.spawner.Mount;
import io.meridian.spawner.ProgressEvent;
import io.meridian.spawner.ProgressListener;
import io.meridian.spawner.ServerStatus;
import io.meridian.spawner.SpawnException;
import io.meridian.spawner.SpawnRequest;
import io.meridian.spawner.SpawnedServer;
import io.meridian.spawner.Spawner;
import io.meridian.spawner.gpu.GpuAllocator;
import io.meridian.spawner.gpu.GpuAssignment;
import io.meridian.spawner.gpu.ServerRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs each server as a Docker container: one container per server on a private bridge network, a named
 * home volume that outlives the container, CPU and memory limits and GPUs from the chosen {@link Profile}.
 *
 * <p>The hub reaches a server at {@code http://<container ip>:8888} on that network; nothing is published
 * on the host. The server token travels as {@code JUPYTER_TOKEN} in the container's environment, which
 * {@code docker inspect} shows to whoever controls the engine (host root, trusted like the hub itself).
 * Containers carry labels ({@code meridian.user}, {@code meridian.server}, {@code meridian.hub},
 * {@code meridian.gpus}) from which {@link #reconcile} rebuilds the picture after a hub restart.
 */
public final class DockerSpawner implements Spawner {

    static final String LABEL_USER = "meridian.user";
    static final String LABEL_SERVER = "meridian.server";
    static final String LABEL_HUB = "meridian.hub";
    static final String LABEL_PROFILE = "meridian.profile";
    static final String LABEL_GPUS = "meridian.gpus";
    static final String LABEL_GPU_SHARING = "meridian.gpu-sharing";

    /** Keys of {@link SpawnedServer#state()}. */
    public static final String CONTAINER_ID = "containerId";
    public static final String CONTAINER_NAME = "containerName";
    public static final String USER = "user";
    public static final String SERVER = "server";
    public static final String IMAGE = "image";
    public static final String PROFILE = "profile";
    public static final String VOLUME = "volume";
    public static final String GPUS = "gpus";
    public static final String GPU_SHARING = "gpuSharing";

    static final String HOME = "/home/jovyan";
    private static final int LOG_TAIL_LINES = 20;
    private static final Logger LOG = LoggerFactory.getLogger(DockerSpawner.class);

    private final DockerSpawnerConfig config;
    private final DockerClient docker;
    private final ZerodepDockerHttpClient dockerHttp;
    private final GpuAllocator gpus;
    private final SpawnTimes spawnTimes;
    private final HttpClient http;
    private final Object networkLock = new Object();
    private volatile String networkGateway;

    public DockerSpawner(DockerSpawnerConfig config) {
        this.config = config;
        DefaultDockerClientConfig clientConfig = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(config.dockerHost())
                .build();
        ZerodepDockerHttpClient httpClient = new ZerodepDockerHttpClient.Builder()
                .dockerHost(clientConfig.getDockerHost())
                .sslConfig(clientConfig.getSSLConfig())
                .maxConnections(64)
                .connectionTimeout(Duration.ofSeconds(5))
                .build();
        this.dockerHttp = httpClient;
        this.docker = DockerClientImpl.getInstance(clientConfig, httpClient);
        this.gpus = new GpuAllocator(config.gpuInventory(), config.gpuQuotaPerUser());
        this.spawnTimes = new SpawnTimes(config.stateDir());
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(1))
                .build();
    }

    @Override
    public String kind() {
        return "docker";
    }

    public DockerSpawnerConfig config() {
        return config;
    }

    /**
     * Checks {@code userOptions} as {@link #start} does, creating nothing, so the hub can refuse an unknown
     * profile, a disallowed image or a group-reserved profile when the request arrives.
     */
    public void checkOptions(Map<String, Object> userOptions) throws SpawnException {
        ServerOptions.resolve(userOptions, config);
    }

    /**
     * The server's home volume (the user's one under {@link DockerSpawnerConfig.VolumePolicy#PER_USER}), reached
     * through helper containers of the default profile's image.
     */
    @Override
    public HomeFiles homeFiles(String user, String serverName) {
        return new DockerHomeFiles(docker, dockerHttp, config.defaultProfile().image(),
                ContainerNames.volume(user, serverName, config.volumePolicy()), config.hubId(), user);
    }

    /** Which server holds which GPU, for the admin API. */
    public List<GpuAssignment> gpuSnapshot() {
        return gpus.snapshot();
    }

    @Override
    public SpawnedServer start(SpawnRequest request, ProgressListener progress) throws SpawnException {
        if (!request.baseUrl().startsWith("/") || !request.baseUrl().endsWith("/")) {
            throw new SpawnException("base URL must start and end with '/': " + request.baseUrl());
        }
        if (request.serverToken() == null || request.serverToken().isBlank()) {
            throw new SpawnException("A server token is required: the server must not run without one.");
        }
        ServerOptions options = ServerOptions.resolve(request.userOptions(), config);
        Duration timeout = request.startTimeout() == null || request.startTimeout().isZero()
                ? config.startTimeout() : request.startTimeout();
        ServerRef ref = new ServerRef(request.user(), request.serverName());
        String name = ContainerNames.container(request.user(), request.serverName());
        String volume = ContainerNames.volume(request.user(), request.serverName(), config.volumePolicy());

        Optional<Duration> expected = spawnTimes.expected(options.image());
        progress.onProgress(new ProgressEvent(0, "Starting server with profile " + options.profile().displayName()
                + expected.map(d -> " (usually ready " + seconds(d) + " after the image is present)").orElse(""),
                details("prepare", expected)));

        ping();
        ensureImage(options.image(), progress);
        ensureNetwork();
        ensureVolume(volume, ref);
        removeLeftover(name, ref);

        // the start timeout begins only now: pulls may take as long as the image needs
        Instant began = Instant.now();
        Instant deadline = began.plus(timeout);
        List<String> gpuIds = gpus.allocate(ref, options.profile().gpus(), options.profile().gpuSharing());
        String containerId = null;
        try {
            progress.onProgress(new ProgressEvent(PullProgress.MAX_PERCENT + 5,
                    "Creating container " + name + gpuNote(gpuIds), details("create", expected)));
            containerId = create(request, options, name, volume, gpuIds);
            progress.onProgress(new ProgressEvent(PullProgress.MAX_PERCENT + 15, "Starting container " + name,
                    details("start", expected)));
            startContainer(containerId);
            String ip = ipOf(containerId);
            URI url = URI.create("http://" + ip + ":" + config.port());
            waitUntilAnswering(containerId, url, request, deadline, timeout, began, expected, progress);
            spawnTimes.record(options.image(), Duration.between(began, Instant.now()));

            Map<String, String> state = new LinkedHashMap<>();
            state.put(CONTAINER_ID, containerId);
            state.put(CONTAINER_NAME, name);
            state.put(USER, request.user());
            state.put(SERVER, request.serverName());
            state.put(IMAGE, options.image());
            state.put(PROFILE, options.profile().name());
            state.put(VOLUME, volume);
            state.put(GPUS, String.join(",", gpuIds));
            state.put(GPU_SHARING, Boolean.toString(options.profile().gpuSharing()));
            LOG.info("Started {} for {} at {} (image {}, GPUs {})", name, ref, url, options.image(), gpuIds);
            return new SpawnedServer(url, state);
        } catch (SpawnException | RuntimeException e) {
            if (containerId != null) {
                removeQuietly(containerId);
            }
            gpus.release(ref);
            if (e instanceof SpawnException se) {
                throw se;
            }
            throw new SpawnException("Starting " + name + " failed: " + describe((RuntimeException) e), e);
        }
    }

    @Override
    public ServerStatus poll(Map<String, String> state) {
        String id = state.get(CONTAINER_ID);
        if (id == null) {
            return ServerStatus.stopped("no container recorded");
        }
        InspectContainerResponse inspect;
        try {
            inspect = docker.inspectContainerCmd(id).exec();
        } catch (NotFoundException e) {
            releaseGpus(state);
            return ServerStatus.stopped("container " + state.getOrDefault(CONTAINER_NAME, id) + " was removed");
        } catch (RuntimeException e) {
            // an unreachable engine says nothing about the container: keep the server rather than drop it
            return new ServerStatus(true, "status unknown: " + unreachable(e));
        }
        if (Boolean.TRUE.equals(inspect.getState().getRunning())) {
            return ServerStatus.runningNow();
        }
        releaseGpus(state);
        return ServerStatus.stopped(exitDescription(inspect));
    }

    @Override
    public void stop(Map<String, String> state, boolean removeData) throws SpawnException {
        String id = state.get(CONTAINER_ID);
        try {
            if (id != null) {
                try {
                    docker.stopContainerCmd(id).withTimeout((int) config.stopTimeout().toSeconds()).exec();
                } catch (NotModifiedException | NotFoundException alreadyStopped) {
                    // stopping a stopped or removed container is fine
                }
                removeQuietlyOrThrow(id);
            }
            releaseGpus(state);
            String volume = state.get(VOLUME);
            if (removeData && volume != null) {
                try {
                    docker.removeVolumeCmd(volume).exec();
                    LOG.info("Removed home volume {} on request", volume);
                } catch (NotFoundException gone) {
                    // nothing to delete
                } catch (ConflictException inUse) {
                    throw new SpawnException("Home volume " + volume + " is still used by another server of "
                            + state.get(USER) + "; stop that server too before deleting the data.");
                }
            }
        } catch (SpawnException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new SpawnException("Stopping " + state.getOrDefault(CONTAINER_NAME, id) + " failed: " + describe(e), e);
        }
    }

    /**
     * After a hub restart: re-adopts running containers the hub knows (their GPUs are held again), reports
     * known servers whose containers are gone, and finds this hub's containers the hub does not know.
     *
     * @param known         the states the hub persisted for servers it believes running
     * @param stopOrphans   stop and remove unknown containers (their home volumes stay); otherwise they keep
     *                      running and keep their GPUs
     */
    public Reconciliation reconcile(Collection<Map<String, String>> known, boolean stopOrphans) throws SpawnException {
        List<Container> containers;
        try {
            containers = docker.listContainersCmd().withShowAll(true)
                    .withLabelFilter(Map.of(LABEL_HUB, config.hubId())).exec();
        } catch (RuntimeException e) {
            throw new SpawnException("Cannot reconcile servers: " + describe(e), e);
        }
        Map<String, Container> byId = new HashMap<>();
        containers.forEach(c -> byId.put(c.getId(), c));
        gpus.clear();
        List<Map<String, String>> adopted = new ArrayList<>();
        List<Map<String, String>> vanished = new ArrayList<>();
        for (Map<String, String> state : known) {
            Container container = byId.remove(state.get(CONTAINER_ID));
            if (container != null && "running".equals(container.getState())) {
                restoreGpus(container.getLabels());
                adopted.add(state);
            } else {
                if (container != null) {
                    removeQuietly(container.getId());
                }
                vanished.add(state);
            }
        }
        List<Reconciliation.Orphan> orphans = new ArrayList<>();
        for (Container container : byId.values()) {
            Map<String, String> labels = container.getLabels();
            if (!"running".equals(container.getState())) {
                removeQuietly(container.getId());
                continue;
            }
            Map<String, String> state = stateFromLabels(container);
            if (stopOrphans) {
                stop(state, false);
            } else {
                restoreGpus(labels);
            }
            orphans.add(new Reconciliation.Orphan(labels.get(LABEL_USER), labels.getOrDefault(LABEL_SERVER, ""),
                    state, stopOrphans));
        }
        LOG.info("Reconciled Docker servers: {} adopted, {} vanished, {} unknown to the hub{}",
                adopted.size(), vanished.size(), orphans.size(), stopOrphans ? " (stopped)" : "");
        return new Reconciliation(adopted, vanished, orphans);
    }

    /** Pulls every allowed image now (see {@link #prePull(Collection)}). */
    public List<PullOutcome> prePull() {
        return prePull(config.allowedImages());
    }

    /** Pulls each image now, so the first spawn does not wait for it; progress goes to the log. */
    public List<PullOutcome> prePull(Collection<String> images) {
        List<PullOutcome> outcomes = new ArrayList<>();
        for (String image : images) {
            Instant began = Instant.now();
            int[] lastLogged = {-10};
            try {
                pull(image, event -> {
                    if (event.progress() >= lastLogged[0] + 4) {
                        lastLogged[0] = event.progress();
                        LOG.info("pre-pull: {}", event.message());
                    }
                });
                outcomes.add(new PullOutcome(image, true, "pulled in " + seconds(Duration.between(began, Instant.now()))));
            } catch (SpawnException e) {
                LOG.warn("pre-pull of {} failed: {}", image, e.getMessage());
                outcomes.add(new PullOutcome(image, false, e.getMessage()));
            }
        }
        return outcomes;
    }

    /** Result of pre-pulling one image. */
    public record PullOutcome(String image, boolean ok, String detail) {
    }

    /** Whether the engine answers; the hub's health endpoint shows the spawner degraded when it does not. */
    public DockerHealth health() {
        try {
            Version version = docker.versionCmd().exec();
            long servers = docker.listContainersCmd().withLabelFilter(Map.of(LABEL_HUB, config.hubId())).exec().size();
            return new DockerHealth(true, "Docker " + version.getVersion() + " (API " + version.getApiVersion()
                    + ") at " + config.dockerHost() + ", " + servers + " server container(s) running");
        } catch (RuntimeException e) {
            return new DockerHealth(false, unreachable(e));
        }
    }

    @Override
    public void close() {
        try {
            docker.close();
        } catch (IOException e) {
            LOG.debug("closing the Docker client: {}", e.getMessage());
        }
    }

    // ---- start, step by step

    private void ping() throws SpawnException {
        try {
            docker.pingCmd().exec();
        } catch (RuntimeException e) {
            throw new SpawnException(unreachable(e) + ". Start Docker (systemctl start docker) or fix the spawner's"
                    + " docker host setting.", e);
        }
    }

    private void ensureImage(String image, ProgressListener progress) throws SpawnException {
        boolean present = imagePresent(image);
        switch (config.pullPolicy()) {
            case NEVER -> {
                if (!present) {
                    throw new SpawnException("Image " + image + " is not on this Docker host and the pull policy is"
                            + " 'never'. Ask an admin to build or load it (images/build.sh).");
                }
            }
            case IF_NOT_PRESENT -> {
                if (!present) {
                    pull(image, progress);
                }
            }
            case ALWAYS -> pull(image, progress);
        }
    }

    private boolean imagePresent(String image) throws SpawnException {
        try {
            docker.inspectImageCmd(image).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        } catch (RuntimeException e) {
            throw new SpawnException("Cannot look up image " + image + ": " + describe(e), e);
        }
    }

    void pull(String image, ProgressListener progress) throws SpawnException {
        ImageRef ref = ImageRef.parse(image);
        PullProgress pullProgress = new PullProgress(image, progress);
        progress.onProgress(new ProgressEvent(0, "Pulling image " + image, Map.of("phase", "pull", "image", image)));
        try {
            docker.pullImageCmd(ref.repository()).withTag(ref.tag())
                    .exec(new PullImageResultCallback() {
                        @Override
                        public void onNext(PullResponseItem item) {
                            pullProgress.onItem(item);
                            super.onNext(item);
                        }
                    })
                    .awaitCompletion();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SpawnException("Interrupted while pulling " + image, e);
        } catch (RuntimeException e) {
            throw new SpawnException("Could not pull image " + image + ": " + describe(e), e);
        }
        progress.onProgress(new ProgressEvent(PullProgress.MAX_PERCENT, "Pulled " + image,
                Map.of("phase", "pull", "image", image)));
    }

    private void ensureNetwork() throws SpawnException {
        synchronized (networkLock) {
            try {
                boolean exists = docker.listNetworksCmd().withNameFilter(config.network()).exec().stream()
                        .anyMatch(n -> n.getName().equals(config.network()));
                if (!exists) {
                    docker.createNetworkCmd().withName(config.network()).withDriver("bridge")
                            .withCheckDuplicate(true).withLabels(Map.of(LABEL_HUB, config.hubId())).exec();
                    LOG.info("Created Docker network {}", config.network());
                }
            } catch (ConflictException createdMeanwhile) {
                // another hub on this engine created it first: just as good
            } catch (RuntimeException e) {
                throw new SpawnException("Cannot create Docker network " + config.network() + ": " + describe(e), e);
            }
            if (networkGateway == null) {
                networkGateway = gatewayOf(config.network());
            }
        }
    }

    /** The host's address on the bridge network, or null when Docker does not say (then URLs stay as given). */
    private String gatewayOf(String network) {
        try {
            var ipam = docker.inspectNetworkCmd().withNetworkId(network).exec().getIpam();
            if (ipam == null || ipam.getConfig() == null) {
                return null;
            }
            return ipam.getConfig().stream().map(c -> c.getGateway())
                    .filter(g -> g != null && !g.isEmpty() && !g.contains(":")).findFirst().orElse(null);
        } catch (RuntimeException e) {
            LOG.warn("Cannot read the gateway of Docker network {}: {}", network, describe(e));
            return null;
        }
    }

    /**
     * A hub URL on the loopback interface means "this host"; inside a container that is the bridge
     * network's gateway (the hub listens on all interfaces by default).
     */
    static String reachableFromContainers(String url, String gateway) {
        if (url == null || gateway == null) {
            return url;
        }
        URI uri = URI.create(url);
        String host = uri.getHost();
        if (host == null || !(host.equals("127.0.0.1") || host.equals("localhost") || host.equals("[::1]"))) {
            return url;
        }
        return uri.getScheme() + "://" + gateway + (uri.getPort() >= 0 ? ":" + uri.getPort() : "")
                + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    private void ensureVolume(String volume, ServerRef ref) throws SpawnException {
        try {
            // creating an existing volume returns it unchanged, so this is safe for returning users
            docker.createVolumeCmd().withName(volume)
                    .withLabels(Map.of(LABEL_HUB, config.hubId(), LABEL_USER, ref.user())).exec();
        } catch (RuntimeException e) {
            throw new SpawnException("Cannot create home volume " + volume + ": " + describe(e), e);
        }
    }

    /** A stopped container left by a crash would block the name; a running one means the hub lost track. */
    private void removeLeftover(String name, ServerRef ref) throws SpawnException {
        InspectContainerResponse existing;
        try {
            existing = docker.inspectContainerCmd(name).exec();
        } catch (NotFoundException e) {
            return;
        } catch (RuntimeException e) {
            throw new SpawnException("Cannot check for an earlier container " + name + ": " + describe(e), e);
        }
        if (Boolean.TRUE.equals(existing.getState().getRunning())) {
            throw new SpawnException("Server " + ref + " is already running in container " + name
                    + "; stop it before starting it again.");
        }
        removeQuietly(existing.getId());
    }

    private String create(SpawnRequest request, ServerOptions options, String name, String volume,
                          List<String> gpuIds) throws SpawnException {
        Profile profile = options.profile();
        HostConfig host = HostConfig.newHostConfig()
                .withNetworkMode(config.network())
                .withBinds(binds(volume, request.mounts()))
                .withSecurityOpts(List.of("no-new-privileges"))
                .withPidsLimit(4096L);
        if (profile.cpus() > 0) {
            host.withNanoCPUs((long) (profile.cpus() * 1e9));
        }
        if (profile.memoryBytes() > 0) {
            host.withMemory(profile.memoryBytes()).withMemorySwap(profile.memoryBytes());
        }
        if (!gpuIds.isEmpty()) {
            host.withDeviceRequests(List.of(new DeviceRequest()
                    .withDriver("nvidia")
                    .withDeviceIds(gpuIds)
                    .withCapabilities(List.of(List.of("gpu")))));
        }
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(LABEL_HUB, config.hubId());
        labels.put(LABEL_USER, request.user());
        labels.put(LABEL_SERVER, request.serverName());
        labels.put(LABEL_PROFILE, profile.name());
        labels.put(LABEL_GPUS, String.join(",", gpuIds));
        labels.put(LABEL_GPU_SHARING, Boolean.toString(profile.gpuSharing()));
        try {
            return docker.createContainerCmd(options.image())
                    .withName(name)
                    .withHostName("meridian")
                    .withLabels(labels)
                    .withEnv(environment(request, gpuIds))
                    .withHostConfig(host)
                    .exec()
                    .getId();
        } catch (ConflictException e) {
            throw new SpawnException("Container " + name + " already exists (a concurrent start of the same server?): "
                    + describe(e), e);
        } catch (RuntimeException e) {
            throw new SpawnException("Cannot create container " + name + ": " + describe(e), e);
        }
    }

    private static List<Bind> binds(String volume, List<Mount> mounts) {
        List<Bind> binds = new ArrayList<>();
        binds.add(new Bind(volume, new Volume(HOME)));
        for (Mount mount : mounts) {
            binds.add(new Bind(mount.source().toString(), new Volume(HOME + "/" + mount.target()),
                    mount.readOnly() ? AccessMode.ro : AccessMode.rw));
        }
        return binds;
    }

    private List<String> environment(SpawnRequest request, List<String> gpuIds) {
        Map<String, String> env = new LinkedHashMap<>(request.environment());
        // host paths mean nothing in a container: the image carries its own kernel extensions
        env.remove("MERIDIAN_KERNEL_EXTENSIONS");
        env.computeIfPresent("MERIDIAN_HUB_API_URL", (k, url) -> reachableFromContainers(url, networkGateway));
        env.put("JUPYTER_TOKEN", request.serverToken());
        env.put("MERIDIAN_BASE_URL", request.baseUrl());
        env.put("MERIDIAN_PORT", Integer.toString(config.port()));
        env.put("MERIDIAN_USER", request.user());
        env.put("MERIDIAN_SERVER_NAME", request.serverName());
        // CUDA base images default to NVIDIA_VISIBLE_DEVICES=all: on a host whose default runtime is nvidia
        // a server without GPUs would otherwise see every GPU, so say "none" explicitly
        env.put("NVIDIA_VISIBLE_DEVICES", gpuIds.isEmpty() ? "void" : String.join(",", gpuIds));
        if (!gpuIds.isEmpty()) {
            env.put("NVIDIA_DRIVER_CAPABILITIES", "compute,utility");
        }
        List<String> list = new ArrayList<>();
        env.forEach((k, v) -> list.add(k + "=" + v));
        return list;
    }

    private void startContainer(String containerId) throws SpawnException {
        try {
            docker.startContainerCmd(containerId).exec();
        } catch (RuntimeException e) {
            String message = describe(e);
            if (message.contains("could not select device driver") || message.contains("nvidia-container-cli")
                    || message.contains("unknown or invalid runtime name: nvidia")) {
                throw new SpawnException("This host has no NVIDIA container runtime: " + message
                        + ". Install nvidia-container-toolkit and restart Docker (docs/docker-spawner.md),"
                        + " or pick a profile without GPUs.", e);
            }
            throw new SpawnException("Cannot start the container: " + message, e);
        }
    }

    private String ipOf(String containerId) throws SpawnException {
        InspectContainerResponse inspect = docker.inspectContainerCmd(containerId).exec();
        ContainerNetwork network = inspect.getNetworkSettings().getNetworks().get(config.network());
        if (network == null || network.getIpAddress() == null || network.getIpAddress().isEmpty()) {
            throw new SpawnException("Container started without an address on network " + config.network()
                    + "; " + exitDescription(inspect));
        }
        return network.getIpAddress();
    }

    private void waitUntilAnswering(String containerId, URI url, SpawnRequest request, Instant deadline,
                                    Duration timeout, Instant began, Optional<Duration> expected,
                                    ProgressListener progress) throws SpawnException {
        HttpRequest status = HttpRequest.newBuilder(url.resolve(request.baseUrl() + "api/status"))
                .header("Authorization", "token " + request.serverToken())
                .timeout(Duration.ofSeconds(2))
                .GET().build();
        long expectedMillis = expected.map(Duration::toMillis).orElse(5_000L);
        Instant nextReport = Instant.now();
        Instant nextInspect = Instant.now().plusSeconds(1);
        String lastAnswer = "no answer yet";
        while (Instant.now().isBefore(deadline)) {
            try {
                HttpResponse<Void> response = http.send(status, HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
                lastAnswer = "HTTP " + response.statusCode();
            } catch (IOException e) {
                lastAnswer = e.getClass().getSimpleName();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SpawnException("Interrupted while waiting for the server", e);
            }
            Instant now = Instant.now();
            if (now.isAfter(nextInspect)) {
                nextInspect = now.plusSeconds(1);
                InspectContainerResponse inspect;
                try {
                    inspect = docker.inspectContainerCmd(containerId).exec();
                } catch (NotFoundException e) {
                    throw new SpawnException("The container was removed from outside the hub while the server was starting.", e);
                }
                if (!Boolean.TRUE.equals(inspect.getState().getRunning())) {
                    throw new SpawnException("The server exited while starting: " + exitDescription(inspect)
                            + ". Last log lines:\n" + logTail(containerId));
                }
            }
            if (now.isAfter(nextReport)) {
                nextReport = now.plusSeconds(1);
                long elapsed = Duration.between(began, now).toMillis();
                int percent = PullProgress.MAX_PERCENT + 20 + (int) Math.min(35, 35.0 * elapsed / expectedMillis);
                Map<String, Object> details = details("wait", expected);
                details.put("elapsedSeconds", elapsed / 1000.0);
                progress.onProgress(new ProgressEvent(percent,
                        "Waiting for JupyterLab to answer (" + elapsed / 1000 + " s"
                                + expected.map(d -> ", usually " + seconds(d)).orElse("") + ")", details));
            }
            sleep(Duration.ofMillis(200));
        }
        throw new SpawnException("The server did not answer " + request.baseUrl() + "api/status within "
                + seconds(timeout) + " (last: " + lastAnswer + "). Last log lines:\n" + logTail(containerId));
    }

    // ---- helpers

    private Map<String, Object> details(String phase, Optional<Duration> expected) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("phase", phase);
        expected.ifPresent(d -> details.put("expectedSeconds", d.toMillis() / 1000.0));
        return details;
    }

    private String logTail(String containerId) {
        StringBuilder out = new StringBuilder();
        try {
            docker.logContainerCmd(containerId).withStdOut(true).withStdErr(true).withTail(LOG_TAIL_LINES)
                    .exec(new ResultCallback.Adapter<Frame>() {
                        @Override
                        public void onNext(Frame frame) {
                            synchronized (out) {
                                out.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                            }
                        }
                    }).awaitCompletion(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            return "(logs unavailable: " + describe(e) + ")";
        }
        synchronized (out) {
            return out.toString().strip();
        }
    }

    private static String exitDescription(InspectContainerResponse inspect) {
        InspectContainerResponse.ContainerState state = inspect.getState();
        StringBuilder detail = new StringBuilder("container ").append(state.getStatus());
        if (state.getExitCodeLong() != null) {
            detail.append(", exit code ").append(state.getExitCodeLong());
        }
        if (Boolean.TRUE.equals(state.getOOMKilled())) {
            detail.append(", killed for using more memory than its profile allows");
        }
        if (state.getError() != null && !state.getError().isEmpty()) {
            detail.append(", ").append(state.getError());
        }
        return detail.toString();
    }

    private void removeQuietly(String containerId) {
        try {
            docker.removeContainerCmd(containerId).withForce(true).exec();
        } catch (RuntimeException e) {
            LOG.warn("Could not remove container {}: {}", containerId, describe(e));
        }
    }

    private void removeQuietlyOrThrow(String containerId) {
        try {
            docker.removeContainerCmd(containerId).withForce(true).exec();
        } catch (NotFoundException gone) {
            // already removed
        } catch (ConflictException removalInProgress) {
            // Docker is already removing it
        }
    }

    private void releaseGpus(Map<String, String> state) {
        String user = state.get(USER);
        if (user != null && !user.isEmpty()) {
            gpus.release(new ServerRef(user, state.getOrDefault(SERVER, "")));
        }
    }

    private void restoreGpus(Map<String, String> labels) {
        String ids = labels.getOrDefault(LABEL_GPUS, "");
        String user = labels.get(LABEL_USER);
        if (!ids.isEmpty() && user != null && !user.isEmpty()) {
            gpus.restore(new ServerRef(user, labels.getOrDefault(LABEL_SERVER, "")), List.of(ids.split(",")),
                    Boolean.parseBoolean(labels.get(LABEL_GPU_SHARING)));
        }
    }

    private Map<String, String> stateFromLabels(Container container) {
        Map<String, String> labels = container.getLabels();
        String user = labels.getOrDefault(LABEL_USER, "");
        String server = labels.getOrDefault(LABEL_SERVER, "");
        Map<String, String> state = new LinkedHashMap<>();
        state.put(CONTAINER_ID, container.getId());
        state.put(CONTAINER_NAME, ContainerNames.container(user, server));
        state.put(USER, user);
        state.put(SERVER, server);
        state.put(IMAGE, container.getImage());
        state.put(PROFILE, labels.getOrDefault(LABEL_PROFILE, ""));
        state.put(VOLUME, ContainerNames.volume(user, server, config.volumePolicy()));
        state.put(GPUS, labels.getOrDefault(LABEL_GPUS, ""));
        state.put(GPU_SHARING, labels.getOrDefault(LABEL_GPU_SHARING, "false"));
        return state;
    }

    private String unreachable(RuntimeException e) {
        return "Docker daemon not reachable at " + config.dockerHost() + ": " + rootMessage(e);
    }

    /** Docker's own message for API errors; the reachability message when the engine did not answer at all. */
    private String describe(RuntimeException e) {
        if (e instanceof DockerException docker) {
            String body = docker.getMessage();
            int json = body.indexOf("{\"message\":\"");
            return json >= 0 ? body.substring(json + 12).replaceAll("\"}\\s*$", "") : body;
        }
        return hasIoCause(e) ? unreachable(e) : rootMessage(e);
    }

    private static boolean hasIoCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null || message.isEmpty() ? root.getClass().getSimpleName() : message;
    }

    private static String seconds(Duration d) {
        return String.format("%.1f s", d.toMillis() / 1000.0);
    }

    private static void sleep(Duration d) throws SpawnException {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SpawnException("Interrupted while waiting for the server", e);
        }
    }

    private static String gpuNote(List<String> gpuIds) {
        return gpuIds.isEmpty() ? "" : " with GPU(s) " + String.join(", ", gpuIds);
    }
}
