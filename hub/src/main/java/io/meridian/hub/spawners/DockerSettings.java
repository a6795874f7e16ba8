package io.meridian.hub.spawners;

import io.helidon.config.Config;
import io.meridian.spawner.docker.DockerSpawnerConfig;
import io.meridian.spawner.docker.DockerSpawnerConfig.PullPolicy;
import io.meridian.spawner.docker.DockerSpawnerConfig.VolumePolicy;
import io.meridian.spawner.docker.Profile;
import io.meridian.spawner.gpu.GpuInventory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code docker:} section of the hub's YAML file, read into the spawner's configuration.
 *
 * @param spawner     what the Docker spawner is built with
 * @param prePull     pull every allowed image in the background when the hub starts
 * @param stopOrphans stop this hub's running containers the hub's database does not know, at start
 */
public record DockerSettings(DockerSpawnerConfig spawner, boolean prePull, boolean stopOrphans) {

    /**
     * @param yaml               the whole hub file
     * @param env                MERIDIAN_DOCKER_HOST overrides {@code docker.host}
     * @param dataDir            where expected spawn times are kept
     * @param defaultStartTimeout the hub's {@code spawn.start_timeout_seconds}, used unless docker sets its own
     */
    public static DockerSettings fromYaml(Config yaml, Map<String, String> env, Path dataDir, Duration defaultStartTimeout) {
        Config docker = yaml.get("docker");
        List<Profile> profiles = new ArrayList<>();
        for (Config p : docker.get("profiles").asNodeList().orElse(List.of())) {
            String name = p.get("name").asString().orElse(null);
            profiles.add(new Profile(name,
                    p.get("display_name").asString().orElse(name),
                    p.get("image").asString().orElse(null),
                    p.get("cpus").asDouble().orElse(0.0),
                    memoryBytes(name, p.get("memory").asString().orElse("0")),
                    p.get("gpus").asInt().orElse(0),
                    Set.copyOf(strings(p.get("groups"))),
                    p.get("gpu_sharing").asBoolean().orElse(false)));
        }
        if (profiles.isEmpty()) {
            throw new IllegalArgumentException("spawner: docker needs at least one entry under docker.profiles "
                    + "(see hub/meridian-hub.example.yml)");
        }
        Set<String> images = new LinkedHashSet<>(strings(docker.get("images")));
        // a profile's image is allowed by naming it; the list adds images users may pick with userOptions.image
        profiles.forEach(p -> images.add(p.image()));
        DockerSpawnerConfig config = DockerSpawnerConfig.of(profiles)
                .withAllowedImages(images)
                .withDockerHost(env.getOrDefault("MERIDIAN_DOCKER_HOST",
                        docker.get("host").asString().orElse(DockerSpawnerConfig.DEFAULT_DOCKER_HOST)))
                .withNetwork(docker.get("network").asString().orElse("meridian-net"),
                        docker.get("hub_id").asString().orElse("meridian"))
                .withGpus(gpus(docker.get("gpus")), docker.get("gpus.quota_per_user").asInt().orElse(Integer.MAX_VALUE))
                .withVolumePolicy(enumValue(VolumePolicy.class, "docker.volume_policy",
                        docker.get("volume_policy").asString().orElse("per_user")))
                .withPullPolicy(enumValue(PullPolicy.class, "docker.pull_policy",
                        docker.get("pull_policy").asString().orElse("if_not_present")))
                .withTimeouts(docker.get("start_timeout_seconds").asLong().map(Duration::ofSeconds).orElse(defaultStartTimeout),
                        Duration.ofSeconds(docker.get("stop_timeout_seconds").asLong().orElse(10L)))
                .withStateDir(dataDir);
        return new DockerSettings(config,
                docker.get("pre_pull").asBoolean().orElse(true),
                docker.get("stop_orphans").asBoolean().orElse(true));
    }

    // Either a list of ids (UUIDs or indexes) or discovery through nvidia-smi; neither means no GPUs.
    private static GpuInventory gpus(Config gpus) {
        List<String> ids = strings(gpus.get("ids"));
        if (!ids.isEmpty()) {
            return GpuInventory.of(ids);
        }
        return gpus.get("discover").asString()
                .map(nvidiaSmi -> GpuInventory.discover(Path.of(nvidiaSmi)))
                .orElse(GpuInventory.none());
    }

    private static List<String> strings(Config node) {
        if (!node.exists()) {
            return List.of();
        }
        return node.asList(String.class).orElseThrow(() ->
                new IllegalArgumentException(node.key() + " must be a list of strings"));
    }

    /** Reads {@code 2147483648}, {@code 512M}, {@code 2G} or {@code 2GiB} (binary units). */
    static long memoryBytes(String profile, String text) {
        String value = text.trim().toUpperCase(Locale.ROOT).replace("IB", "").replace("B", "");
        long unit = 1;
        if (!value.isEmpty() && "KMGT".indexOf(value.charAt(value.length() - 1)) >= 0) {
            unit = 1L << (10 * ("KMGT".indexOf(value.charAt(value.length() - 1)) + 1));
            value = value.substring(0, value.length() - 1).trim();
        }
        try {
            return Math.round(Double.parseDouble(value) * unit);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("profile " + profile + ": memory must be bytes or a size like 512M or 2G, got '"
                    + text + "'");
        }
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String key, String text) {
        try {
            return Enum.valueOf(type, text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " must be one of "
                    + List.of(type.getEnumConstants()).stream().map(c -> c.name().toLowerCase(Locale.ROOT)).toList()
                    + ", got '" + text + "'");
        }
    }
}
