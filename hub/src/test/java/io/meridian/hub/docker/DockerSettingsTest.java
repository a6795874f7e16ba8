package io.meridian.hub.docker;

import io.meridian.hub.config.HubConfig;
import io.meridian.hub.spawners.DockerSettings;
import io.meridian.spawner.docker.DockerSpawnerConfig;
import io.meridian.spawner.docker.Profile;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hub's {@code docker:} YAML section read into the Docker spawner's configuration. */
class DockerSettingsTest {
    private static final Path DATA = Path.of("/tmp/meridian-settings-test");

    @Test
    void everyKeyOfTheExampleIsRead() {
        DockerSettings settings = read("""
                docker:
                  host: tcp://docker.example.org:2375
                  network: lab-net
                  hub_id: lab
                  images: [meridian/notebook:latest, meridian/notebook:old]
                  pull_policy: always
                  volume_policy: per_server
                  pre_pull: false
                  stop_orphans: false
                  start_timeout_seconds: 300
                  stop_timeout_seconds: 5
                  gpus:
                    ids: [GPU-aaa, GPU-bbb]
                    quota_per_user: 1
                  profiles:
                    - name: small
                      display_name: Small
                      image: meridian/notebook:latest
                      cpus: 0.5
                      memory: 512M
                    - name: gpu-shared
                      image: meridian/notebook-gpu:latest
                      cpus: 4
                      memory: 16GiB
                      gpus: 1
                      groups: [ml101]
                      gpu_sharing: true
                """, Map.of());
        DockerSpawnerConfig config = settings.spawner();
        assertEquals("tcp://docker.example.org:2375", config.dockerHost());
        assertEquals("lab-net", config.network());
        assertEquals("lab", config.hubId());
        assertEquals(Set.of("meridian/notebook:latest", "meridian/notebook:old", "meridian/notebook-gpu:latest"),
                config.allowedImages(), "profiles' images are allowed without being listed");
        assertEquals(DockerSpawnerConfig.PullPolicy.ALWAYS, config.pullPolicy());
        assertEquals(DockerSpawnerConfig.VolumePolicy.PER_SERVER, config.volumePolicy());
        assertFalse(settings.prePull());
        assertFalse(settings.stopOrphans());
        assertEquals(Duration.ofSeconds(300), config.startTimeout());
        assertEquals(Duration.ofSeconds(5), config.stopTimeout());
        assertEquals(List.of("GPU-aaa", "GPU-bbb"), config.gpuInventory().devices().stream().map(d -> d.id()).toList());
        assertEquals(1, config.gpuQuotaPerUser());
        assertEquals(new Profile("small", "Small", "meridian/notebook:latest", 0.5, 512L << 20, 0, Set.of(), false),
                config.profiles().get(0));
        assertEquals(new Profile("gpu-shared", "gpu-shared", "meridian/notebook-gpu:latest", 4, 16L << 30, 1,
                Set.of("ml101"), true), config.profiles().get(1));
    }

    @Test
    void theExampleFileStartsADockerHubWithItsProfiles() {
        HubConfig config = HubConfig.load(Optional.of(Path.of("meridian-hub.example.yml")),
                Map.of("MERIDIAN_SPAWNER", "docker"));
        assertEquals(List.of("small", "gpu-1"), config.docker().spawner().profiles().stream().map(Profile::name).toList());
        assertEquals(2, config.docker().spawner().gpuQuotaPerUser());
        assertEquals(0, config.docker().spawner().gpuInventory().size());
    }

    @Test
    void defaultsAndTheEnvironmentOverride() {
        DockerSettings settings = read("""
                docker:
                  profiles:
                    - name: small
                      image: meridian/notebook:latest
                """, Map.of("MERIDIAN_DOCKER_HOST", "unix:///run/other.sock"));
        assertEquals("unix:///run/other.sock", settings.spawner().dockerHost());
        assertEquals("meridian-net", settings.spawner().network());
        assertEquals(Duration.ofSeconds(120), settings.spawner().startTimeout(), "the hub's spawn start timeout");
        assertEquals(0, settings.spawner().gpuInventory().size());
        assertTrue(settings.prePull());
        assertTrue(settings.stopOrphans());
    }

    @Test
    void badSettingsSayWhatIsWrong() {
        assertEquals("spawner: docker needs at least one entry under docker.profiles (see hub/meridian-hub.example.yml)",
                assertThrows(IllegalArgumentException.class, () -> read("docker:\n  network: x\n", Map.of())).getMessage());
        assertEquals("profile small: memory must be bytes or a size like 512M or 2G, got 'lots'",
                assertThrows(IllegalArgumentException.class, () -> read("""
                        docker:
                          profiles:
                            - name: small
                              image: meridian/notebook:latest
                              memory: lots
                        """, Map.of())).getMessage());
        assertEquals("docker.pull_policy must be one of [if_not_present, always, never], got 'sometimes'",
                assertThrows(IllegalArgumentException.class, () -> read("""
                        docker:
                          pull_policy: sometimes
                          profiles:
                            - name: small
                              image: meridian/notebook:latest
                        """, Map.of())).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> read("""
                docker:
                  profiles:
                    - name: Big Box
                      image: meridian/notebook:latest
                """, Map.of())).getMessage().startsWith("profile name must be"));
    }

    // through the hub's own loader, as Main reads the file
    private static DockerSettings read(String yaml, Map<String, String> env) {
        try {
            Path file = Files.createTempFile("meridian-docker-settings", ".yml");
            Files.writeString(file, "spawner: docker\ndata_dir: " + DATA + "\n" + yaml);
            try {
                return HubConfig.load(Optional.of(file), env).docker();
            } finally {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
