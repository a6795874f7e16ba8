package io.meridian.hub.deployments;

import io.meridian.hub.catalog.Resources;
import io.meridian.spawner.gpu.GpuInventory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * How deployments run, from {@code MERIDIAN_DEPLOY_*} environment variables.
 *
 * @param allowedImages  images a user may deploy besides catalog modules' images; a trailing '*' matches any rest
 *                       (MERIDIAN_DEPLOY_IMAGES, comma-separated, default {@code meridian/module-*})
 * @param quota          what one user's running deployments may hold together (MERIDIAN_DEPLOY_QUOTA_CPU,
 *                       _MEMORY_MB, _GPU; default 4 CPUs, 8192 MB, 1 GPU)
 * @param maxPerUser     deployments one user may have at once (MERIDIAN_DEPLOY_MAX_PER_USER, default 3)
 * @param startTimeout   how long a new deployment may take to answer its DEEPaaS API (MERIDIAN_DEPLOY_START_TIMEOUT_SECONDS)
 * @param pollInterval   how often containers and trainings are checked (MERIDIAN_DEPLOY_POLL_MS, default 1000)
 * @param dockerHost     the engine (MERIDIAN_DOCKER_HOST, default the local socket)
 * @param network        the bridge network deployments join (MERIDIAN_DEPLOY_NETWORK)
 * @param hubId          label value telling this hub's containers from another hub's on the same engine
 * @param gpus           GPUs deployments may take on a hub whose servers are local processes (MERIDIAN_GPUS,
 *                       comma-separated device ids; default none); with the Docker spawner they share its docker.gpus
 * @param oscar          the OSCAR cluster for inference, or null (MERIDIAN_OSCAR_URL, _USER, _PASSWORD or _TOKEN)
 */
public record DeploymentSettings(List<String> allowedImages, Resources quota, int maxPerUser, Duration startTimeout,
                                 Duration pollInterval, String dockerHost, String network, String hubId,
                                 GpuInventory gpus, OscarSettings oscar) {

    /** An OSCAR cluster: its endpoint and the hub's credential (basic user/password or a bearer token). */
    public record OscarSettings(String url, String user, String password, String token) {
        @Override
        public String toString() {
            return "OscarSettings[" + url + "]";
        }
    }

    public static DeploymentSettings fromEnv(Map<String, String> env, Path dataDir) {
        String gpus = env.getOrDefault("MERIDIAN_GPUS", "").trim();
        String oscarUrl = env.getOrDefault("MERIDIAN_OSCAR_URL", "").trim();
        return new DeploymentSettings(
                list(env.getOrDefault("MERIDIAN_DEPLOY_IMAGES", "meridian/module-*")),
                new Resources(integer(env, "MERIDIAN_DEPLOY_QUOTA_CPU", 4),
                        integer(env, "MERIDIAN_DEPLOY_QUOTA_MEMORY_MB", 8192),
                        integer(env, "MERIDIAN_DEPLOY_QUOTA_GPU", 1)),
                integer(env, "MERIDIAN_DEPLOY_MAX_PER_USER", 3),
                Duration.ofSeconds(integer(env, "MERIDIAN_DEPLOY_START_TIMEOUT_SECONDS", 60)),
                Duration.ofMillis(integer(env, "MERIDIAN_DEPLOY_POLL_MS", 1000)),
                env.getOrDefault("MERIDIAN_DOCKER_HOST", "unix:///var/run/docker.sock"),
                env.getOrDefault("MERIDIAN_DEPLOY_NETWORK", "meridian-deployments"),
                hubId(dataDir),
                gpus.isEmpty() ? GpuInventory.none() : GpuInventory.of(list(gpus)),
                oscarUrl.isEmpty() ? null : new OscarSettings(oscarUrl, env.get("MERIDIAN_OSCAR_USER"),
                        env.get("MERIDIAN_OSCAR_PASSWORD"), env.get("MERIDIAN_OSCAR_TOKEN")));
    }

    public DeploymentSettings withOscar(OscarSettings oscar) {
        return new DeploymentSettings(allowedImages, quota, maxPerUser, startTimeout, pollInterval, dockerHost, network,
                hubId, gpus, oscar);
    }

    public DeploymentSettings withDockerHost(String dockerHost) {
        return new DeploymentSettings(allowedImages, quota, maxPerUser, startTimeout, pollInterval, dockerHost, network,
                hubId, gpus, oscar);
    }

    public boolean allows(String image) {
        return allowedImages.stream().anyMatch(p -> p.endsWith("*")
                ? image.startsWith(p.substring(0, p.length() - 1)) : image.equals(p));
    }

    /** Two hubs sharing an engine (tests, staging) must never adopt or remove each other's containers. */
    private static String hubId(Path dataDir) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(dataDir.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
            return "hub-" + HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> list(String value) {
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static int integer(Map<String, String> env, String key, int fallback) {
        String value = env.get(key);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, not '" + value + "'");
        }
    }
}
