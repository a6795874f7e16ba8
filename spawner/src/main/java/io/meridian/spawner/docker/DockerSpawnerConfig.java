package io.meridian.spawner.docker;

import io.meridian.spawner.gpu.GpuInventory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Everything the Docker spawner is configured with; the hub builds it from its YAML file.
 *
 * @param dockerHost       the engine's address, {@code unix:///var/run/docker.sock} or {@code tcp://host:2375}
 * @param network          bridge network the servers join; created when absent. The hub reaches servers by
 *                         their address on it, so no port is published on the host
 * @param hubId            value of the {@code meridian.hub} label, so hubs sharing an engine leave each other's
 *                         containers alone
 * @param allowedImages    the only images a server may run (profiles' images must be among them)
 * @param profiles         what users choose from; the first is the default
 * @param gpuInventory     GPUs that may be handed out ({@link GpuInventory#none()} on hosts without)
 * @param gpuQuotaPerUser  most GPUs one user may hold across their servers
 * @param volumePolicy     one home volume per user, or one per server
 * @param pullPolicy       when images are pulled
 * @param startTimeout     used when a request carries none; image pulls do not count against it
 * @param stopTimeout      how long a container gets to exit after SIGTERM before it is killed
 * @param stateDir         where expected spawn times are kept across hub restarts; null keeps them in memory
 * @param port             the port JupyterLab listens on inside the container
 */
public record DockerSpawnerConfig(String dockerHost,
                                  String network,
                                  String hubId,
                                  Set<String> allowedImages,
                                  List<Profile> profiles,
                                  GpuInventory gpuInventory,
                                  int gpuQuotaPerUser,
                                  VolumePolicy volumePolicy,
                                  PullPolicy pullPolicy,
                                  Duration startTimeout,
                                  Duration stopTimeout,
                                  Path stateDir,
                                  int port) {

    public static final String DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock";

    /** Home volumes: {@code meridian-home-{user}} shared by a user's servers, or one per server. */
    public enum VolumePolicy { PER_USER, PER_SERVER }

    /** Pull an image only when it is missing (the default), before every start, or never. */
    public enum PullPolicy { IF_NOT_PRESENT, ALWAYS, NEVER }

    public DockerSpawnerConfig {
        if (dockerHost == null || !(dockerHost.startsWith("unix://") || dockerHost.startsWith("tcp://"))) {
            throw new IllegalArgumentException("docker host must be unix:///path or tcp://host:port: " + dockerHost);
        }
        if (network == null || !network.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]*")) {
            throw new IllegalArgumentException("invalid Docker network name: '" + network + "'");
        }
        if (hubId == null || hubId.isBlank()) {
            throw new IllegalArgumentException("hub id must not be empty");
        }
        allowedImages = Set.copyOf(allowedImages);
        profiles = List.copyOf(profiles);
        if (profiles.isEmpty()) {
            throw new IllegalArgumentException("configure at least one profile");
        }
        // a profile asking for more GPUs than the inventory holds is refused at spawn time, with the count
        gpuInventory = gpuInventory == null ? GpuInventory.none() : gpuInventory;
        Set<String> names = new HashSet<>();
        for (Profile profile : profiles) {
            if (!names.add(profile.name())) {
                throw new IllegalArgumentException("profile " + profile.name() + " is configured twice");
            }
            if (!allowedImages.contains(profile.image())) {
                throw new IllegalArgumentException("profile " + profile.name() + " uses image " + profile.image()
                        + ", which is not in the allowed images " + allowedImages);
            }
        }
        if (gpuQuotaPerUser < 0) {
            throw new IllegalArgumentException("GPU quota per user must be >= 0");
        }
        if (startTimeout == null || startTimeout.isNegative() || startTimeout.isZero()
                || stopTimeout == null || stopTimeout.isNegative()) {
            throw new IllegalArgumentException("start timeout must be > 0 and stop timeout >= 0");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535: " + port);
        }
    }

    /** Defaults for everything but the profiles: local engine, {@code meridian-net}, no GPUs, 120 s start timeout. */
    public static DockerSpawnerConfig of(List<Profile> profiles) {
        Set<String> images = new HashSet<>();
        profiles.forEach(p -> images.add(p.image()));
        return new DockerSpawnerConfig(DEFAULT_DOCKER_HOST, "meridian-net", "meridian", images, profiles,
                GpuInventory.none(), Integer.MAX_VALUE, VolumePolicy.PER_USER, PullPolicy.IF_NOT_PRESENT,
                Duration.ofSeconds(120), Duration.ofSeconds(10), null, 8888);
    }

    public DockerSpawnerConfig withNetwork(String network, String hubId) {
        return new DockerSpawnerConfig(dockerHost, network, hubId, allowedImages, profiles, gpuInventory,
                gpuQuotaPerUser, volumePolicy, pullPolicy, startTimeout, stopTimeout, stateDir, port);
    }

    public DockerSpawnerConfig withDockerHost(String dockerHost) {
        return new DockerSpawnerConfig(dockerHost, network, hubId, allowedImages, profiles, gpuInventory,
                gpuQuotaPerUser, volumePolicy, pullPolicy, startTimeout, stopTimeout, stateDir, port);
    }

    public DockerSpawnerConfig withGpus(GpuInventory gpuInventory, int gpuQuotaPerUser) {
        return new DockerSpawnerConfig(dockerHost, network, hubId, allowedImages, profiles, gpuInventory,
                gpuQuotaPerUser, volumePolicy, pullPolicy, startTimeout, stopTimeout, stateDir, port);
    }

    public DockerSpawnerConfig withVolumePolicy(VolumePolicy volumePolicy) {
        return new DockerSpawnerConfig(dockerHost, network, hubId, allowedImages, profiles, gpuInventory,
                gpuQuotaPerUser, volumePolicy, pullPolicy, startTimeout, stopTimeout, stateDir, port);
    }

    public DockerSpawnerConfig withPullPolicy(PullPolicy pullPolicy) {
        return new DockerSpawnerConfig(dockerHost, network, hubId, allowedImages, profiles, gpuInventory,
                gpuQuotaPerUser, volumePolicy, pullPolicy, startTimeout, stopTimeout, stateDir, port);
    }

    public DockerSpawnerConfig withAllowedImages(Set<String> allowedImages) {
        return new DockerSpawnerConfig(dockerHost, network, hubId, allowedImages, profiles, gpuInventory,
                gpuQuotaPerUser, volumePolicy, pullPolicy, startTimeout, stopTimeout, stateDir, port);
    }

    public DockerSpawnerConfig withTimeouts(Duration startTimeout, Duration stopTimeout) {
        return new DockerSpawnerConfig(dockerHost, network, hubId, allowedImages, profiles, gpuInventory,
                gpuQuotaPerUser, volumePolicy, pullPolicy, startTimeout, stopTimeout, stateDir, port);
    }

    public DockerSpawnerConfig withStateDir(Path stateDir) {
        return new DockerSpawnerConfig(dockerHost, network, hubId, allowedImages, profiles, gpuInventory,
                gpuQuotaPerUser, volumePolicy, pullPolicy, startTimeout, stopTimeout, stateDir, port);
    }

    public Profile defaultProfile() {
        return profiles.get(0);
    }
}
