package io.meridian.hub.deployments;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.DeviceRequest;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import io.meridian.hub.catalog.Resources;
import io.meridian.hub.web.ApiException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs deployment containers on Docker: one container per deployment on a private bridge network, CPU,
 * memory and GPU limits, labels from which a restarted hub finds them again. Unlike the Docker spawner's
 * Jupyter containers they have no home volume and answer DEEPaaS on their module's port, not Jupyter.
 */
final class DeploymentEngine implements AutoCloseable {
    static final String LABEL_HUB = "meridian.hub";
    static final String LABEL_DEPLOYMENT = "meridian.deployment";
    static final String LABEL_USER = "meridian.user";
    static final String LABEL_GPUS = "meridian.gpus";

    private final DeploymentSettings settings;
    private final DockerClient docker;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1)).build();

    DeploymentEngine(DeploymentSettings settings) {
        this.settings = settings;
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(settings.dockerHost()).build();
        this.docker = DockerClientImpl.getInstance(config, new ZerodepDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .maxConnections(32)
                .connectionTimeout(Duration.ofSeconds(3))
                .responseTimeout(Duration.ofSeconds(30))
                .build());
    }

    /** A container as Docker sees it now. */
    record ContainerState(boolean running, String description, String ip) {
    }

    /** A container of this hub's deployments, from its labels. */
    record Labeled(String containerId, String deployment, boolean running) {
    }

    /** Fails with a clear 4xx/5xx before anything is created when the engine is down or the image is missing. */
    void checkImage(String image) {
        try {
            docker.pingCmd().exec();
        } catch (RuntimeException e) {
            throw new ApiException(503, unreachable(e) + ". Start Docker or fix MERIDIAN_DOCKER_HOST.");
        }
        try {
            docker.inspectImageCmd(image).exec();
        } catch (NotFoundException e) {
            throw ApiException.notFound("image " + image + " is not on this Docker host; an admin must build or load"
                    + " it first (e.g. images/module-iris/build.sh)");
        } catch (RuntimeException e) {
            throw new ApiException(503, "cannot look up image " + image + ": " + describe(e));
        }
    }

    /** Creates and starts the container; the caller waits for {@link #awaitAnswer}. */
    String start(String id, String owner, String image, Resources resources, List<String> gpuIds) {
        ensureNetwork();
        HostConfig host = HostConfig.newHostConfig()
                .withNetworkMode(settings.network())
                .withSecurityOpts(List.of("no-new-privileges"))
                .withPidsLimit(2048L)
                .withNanoCPUs(resources.cpu() * 1_000_000_000L)
                .withMemory(resources.memoryMb() * 1024 * 1024)
                .withMemorySwap(resources.memoryMb() * 1024 * 1024);
        if (!gpuIds.isEmpty()) {
            host.withDeviceRequests(List.of(new DeviceRequest().withDriver("nvidia").withDeviceIds(gpuIds)
                    .withCapabilities(List.of(List.of("gpu")))));
        }
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(LABEL_HUB, settings.hubId());
        labels.put(LABEL_DEPLOYMENT, id);
        labels.put(LABEL_USER, owner);
        labels.put(LABEL_GPUS, String.join(",", gpuIds));
        List<String> env = new ArrayList<>();
        env.add("NVIDIA_VISIBLE_DEVICES=" + (gpuIds.isEmpty() ? "void" : String.join(",", gpuIds)));
        String containerId;
        try {
            containerId = docker.createContainerCmd(image).withName("meridian-deploy-" + id)
                    .withLabels(labels).withEnv(env).withHostConfig(host).exec().getId();
        } catch (RuntimeException e) {
            throw new ApiException(502, "cannot create the deployment's container: " + describe(e));
        }
        try {
            docker.startContainerCmd(containerId).exec();
        } catch (RuntimeException e) {
            remove(containerId);
            String message = describe(e);
            if (message.contains("could not select device driver") || message.contains("nvidia")) {
                throw new ApiException(503, "this host cannot give GPUs to containers (" + message
                        + "); deploy without GPUs or install the NVIDIA container toolkit");
            }
            throw new ApiException(502, "cannot start the deployment's container: " + message);
        }
        return containerId;
    }

    /**
     * Waits until the container answers {@code GET /v2/} on {@code port}; the container's address on
     * success. A container that exits or stays silent past the timeout is a 502 with its last log lines.
     */
    String awaitAnswer(String containerId, int port, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        String last = "no answer yet";
        while (Instant.now().isBefore(deadline)) {
            ContainerState state = inspect(containerId)
                    .orElseThrow(() -> new ApiException(502, "the deployment's container was removed while starting"));
            if (!state.running()) {
                throw new ApiException(502, "the deployment's container stopped while starting (" + state.description()
                        + "). Last log lines:\n" + logs(containerId, 20));
            }
            if (state.ip() != null) {
                String upstream = "http://" + state.ip() + ":" + port + "/";
                try {
                    HttpResponse<Void> answer = http.send(HttpRequest.newBuilder(URI.create(upstream + "v2/"))
                            .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
                    if (answer.statusCode() == 200) {
                        return upstream;
                    }
                    last = "HTTP " + answer.statusCode();
                } catch (IOException e) {
                    last = e.getClass().getSimpleName();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ApiException(503, "interrupted while waiting for the deployment");
                }
            }
            sleep(250);
        }
        throw new ApiException(504, "the deployment did not answer its DEEPaaS API (/v2/ on port " + port + ") within "
                + timeout.toSeconds() + " s (last: " + last + "). Last log lines:\n" + logs(containerId, 20));
    }

    /** Empty when the container is gone; an unreachable engine is an error (it says nothing about the container). */
    Optional<ContainerState> inspect(String containerId) {
        InspectContainerResponse inspect;
        try {
            inspect = docker.inspectContainerCmd(containerId).exec();
        } catch (NotFoundException e) {
            return Optional.empty();
        } catch (RuntimeException e) {
            throw new ApiException(503, describe(e));
        }
        ContainerNetwork network = inspect.getNetworkSettings() == null || inspect.getNetworkSettings().getNetworks() == null
                ? null : inspect.getNetworkSettings().getNetworks().get(settings.network());
        String ip = network == null || network.getIpAddress() == null || network.getIpAddress().isEmpty()
                ? null : network.getIpAddress();
        InspectContainerResponse.ContainerState s = inspect.getState();
        StringBuilder description = new StringBuilder("container ").append(s.getStatus());
        if (!Boolean.TRUE.equals(s.getRunning()) && s.getExitCodeLong() != null) {
            description.append(", exit code ").append(s.getExitCodeLong());
        }
        if (Boolean.TRUE.equals(s.getOOMKilled())) {
            description.append(", killed for using more memory than it was given");
        }
        return Optional.of(new ContainerState(Boolean.TRUE.equals(s.getRunning()), description.toString(), ip));
    }

    String logs(String containerId, int tail) {
        StringBuilder out = new StringBuilder();
        try {
            docker.logContainerCmd(containerId).withStdOut(true).withStdErr(true).withTail(tail)
                    .exec(new ResultCallback.Adapter<Frame>() {
                        @Override
                        public void onNext(Frame frame) {
                            synchronized (out) {
                                out.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                            }
                        }
                    }).awaitCompletion(10, TimeUnit.SECONDS);
        } catch (NotFoundException e) {
            return "(the container is gone)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            return "(logs unavailable: " + describe(e) + ")";
        }
        synchronized (out) {
            return out.toString();
        }
    }

    /** Removes the container, running or not; a missing one is fine. */
    void remove(String containerId) {
        try {
            docker.removeContainerCmd(containerId).withForce(true).exec();
        } catch (NotFoundException | ConflictException gone) {
            // already removed, or Docker is removing it
        } catch (RuntimeException e) {
            throw new ApiException(503, "cannot remove the deployment's container: " + describe(e));
        }
    }

    /** This hub's deployment containers, running or not. */
    List<Labeled> list() {
        List<Container> containers;
        try {
            containers = docker.listContainersCmd().withShowAll(true)
                    .withLabelFilter(Map.of(LABEL_HUB, settings.hubId())).exec();
        } catch (RuntimeException e) {
            throw new ApiException(503, describe(e));
        }
        return containers.stream().filter(c -> c.getLabels().containsKey(LABEL_DEPLOYMENT))
                .map(c -> new Labeled(c.getId(), c.getLabels().get(LABEL_DEPLOYMENT), "running".equals(c.getState())))
                .toList();
    }

    @Override
    public void close() throws IOException {
        docker.close();
    }

    private void ensureNetwork() {
        synchronized (this) {
            try {
                boolean exists = docker.listNetworksCmd().withNameFilter(settings.network()).exec().stream()
                        .anyMatch(n -> n.getName().equals(settings.network()));
                if (!exists) {
                    docker.createNetworkCmd().withName(settings.network()).withDriver("bridge").exec();
                }
            } catch (ConflictException createdMeanwhile) {
                // another hub created it first: just as good
            } catch (RuntimeException e) {
                throw new ApiException(503, "cannot create Docker network " + settings.network() + ": " + describe(e));
            }
        }
    }

    private String unreachable(RuntimeException e) {
        return "Docker is not reachable at " + settings.dockerHost() + ": " + rootMessage(e);
    }

    private String describe(RuntimeException e) {
        if (e instanceof DockerException d) {
            String body = d.getMessage();
            int json = body.indexOf("{\"message\":\"");
            return json >= 0 ? body.substring(json + 12).replaceAll("\"}\\s*$", "") : body;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return unreachable(e);
            }
        }
        return rootMessage(e);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "interrupted while waiting for the deployment");
        }
    }
}
