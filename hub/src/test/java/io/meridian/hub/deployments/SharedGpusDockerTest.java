package io.meridian.hub.deployments;

import io.meridian.hub.catalog.Catalog;
import io.meridian.hub.catalog.CatalogSettings;
import io.meridian.hub.catalog.Resources;
import io.meridian.hub.config.HubConfig;
import io.meridian.hub.db.Database;
import io.meridian.hub.users.UserStore;
import io.meridian.hub.web.ApiException;
import io.meridian.spawner.SpawnException;
import io.meridian.spawner.SpawnRequest;
import io.meridian.spawner.docker.DockerSpawner;
import io.meridian.spawner.docker.DockerSpawnerConfig;
import io.meridian.spawner.docker.Profile;
import io.meridian.spawner.gpu.GpuAllocator;
import io.meridian.spawner.gpu.GpuAssignment;
import io.meridian.spawner.gpu.GpuInventory;
import io.meridian.spawner.gpu.ServerRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import static io.meridian.hub.deployments.DeploymentsDockerTest.docker;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Servers and deployments take GPUs from one allocator, built as Main builds it: a fake inventory of three GPUs
 * (this host has none, so no container can really get one; holding is shown by containers adopted after a
 * restart, from their labels, as on a GPU host), real Docker, a real database.
 */
class SharedGpusDockerTest {
    private static final String RUN = UUID.randomUUID().toString().substring(0, 6);
    private static final String SPAWNER_HUB = "dpl-gpus-" + RUN;
    private static final String NETWORK = "dpl-gpus-" + RUN;
    private static final String IMAGE = "meridian/base:trixie";
    private static final List<String> GPUS = List.of("GPU-dpl-0", "GPU-dpl-1", "GPU-dpl-2");
    private static final String SERVER_USER = "dpl-gs-" + RUN;
    private static final String LATE_USER = "dpl-gl-" + RUN;
    private static final String DEPLOY_USER = "dpl-gd-" + RUN;

    @TempDir
    Path dir;
    Database db;
    DeploymentSettings settings;
    GpuAllocator gpus;
    DockerSpawner spawner;
    Deployments deployments;

    @BeforeEach
    void wireAsMainDoes() {
        db = Database.open(HubConfig.embedded(dir));
        new UserStore(db).create(List.of(DEPLOY_USER), false);
        Catalog catalog = CatalogSettings.fromEnv(Map.of(), dir).open();
        settings = DeploymentSettings.fromEnv(Map.of("MERIDIAN_DEPLOY_QUOTA_GPU", "3", "MERIDIAN_DEPLOY_POLL_MS", "200"), dir);
        DockerSpawnerConfig docker = DockerSpawnerConfig.of(List.of(
                        new Profile("gpu1", "One GPU", IMAGE, 1.0, 256L << 20, 1, Set.of(), false),
                        new Profile("gpu2", "Two GPUs", IMAGE, 1.0, 256L << 20, 2, Set.of(), false)))
                .withNetwork(NETWORK, SPAWNER_HUB)
                .withGpus(GpuInventory.of(GPUS), 3);
        gpus = Deployments.gpuAllocator(settings, Optional.of(docker));
        spawner = new DockerSpawner(docker, gpus);
        deployments = new Deployments(settings, db, catalog, gpus);
    }

    @AfterEach
    void removeEverything() throws Exception {
        deployments.close();
        spawner.close();
        db.close();
        for (String label : List.of("meridian.hub=" + SPAWNER_HUB, "meridian.hub=" + settings.hubId())) {
            String left = docker("ps", "-aq", "--filter", "label=" + label).strip();
            if (!left.isEmpty()) {
                docker(("rm -f " + left.replace('\n', ' ')).split(" "));
            }
            String volumes = docker("volume", "ls", "-q", "--filter", "label=" + label).strip();
            if (!volumes.isEmpty()) {
                docker(("volume rm " + volumes.replace('\n', ' ')).split(" "));
            }
        }
        docker("network", "rm", NETWORK);
    }

    @Test
    void aGpuGoesToAServerOrADeploymentNeverBothAndComesBackOnStopAndDelete() throws Exception {
        // a server holding GPU-dpl-0, adopted after a hub restart as on a GPU host
        docker("network", "create", "--label", "meridian.hub=" + SPAWNER_HUB, NETWORK);
        String serverContainer = docker("run", "-d", "--name", "meridian-" + SERVER_USER, "--network", NETWORK,
                "--label", "meridian.hub=" + SPAWNER_HUB, "--label", "meridian.user=" + SERVER_USER,
                "--label", "meridian.server=", "--label", "meridian.gpus=GPU-dpl-0",
                "--label", "meridian.gpu-sharing=false", IMAGE, "sleep", "infinity").strip();
        Map<String, String> server = Map.of(DockerSpawner.CONTAINER_ID, serverContainer,
                DockerSpawner.USER, SERVER_USER, DockerSpawner.SERVER, "");
        assertEquals(List.of(server), spawner.reconcile(List.of(server), false).adopted());
        assertEquals(List.of("GPU-dpl-0"), gpus.heldBy(new ServerRef(SERVER_USER, "")));

        // more than is left: refused before anything starts
        ApiException tooMany = assertThrows(ApiException.class, () -> deployGpus(3));
        assertEquals(409, tooMany.status(), tooMany.getMessage());
        assertTrue(tooMany.getMessage().startsWith("Not enough free GPUs: deployment "), tooMany.getMessage());
        assertTrue(tooMany.getMessage().contains(" of " + DEPLOY_USER + " asks for 3, 2 of 3 are free (servers and"
                + " deployments share them)"), tooMany.getMessage());
        assertNothingOf(DEPLOY_USER);
        assertEquals(1, held());

        // exactly what is left passes the allocator; only the missing NVIDIA runtime stops it here, and frees them
        ApiException noRuntime = assertThrows(ApiException.class, () -> deployGpus(2));
        assertEquals(503, noRuntime.status(), noRuntime.getMessage());
        assertTrue(noRuntime.getMessage().contains("cannot give GPUs to containers"), noRuntime.getMessage());
        assertNothingOf(DEPLOY_USER);
        assertEquals(1, held());

        // a deployment holding the other two, adopted after a hub restart as on a GPU host
        String id = "dpl0" + RUN;
        String deploymentContainer = docker("run", "-d", "--name", "meridian-deploy-" + id, "--memory", "512m",
                "--network", settings.network(), "--label", "meridian.hub=" + settings.hubId(),
                "--label", "meridian.deployment=" + id, "--label", "meridian.user=" + DEPLOY_USER,
                "--label", "meridian.gpus=GPU-dpl-1,GPU-dpl-2", DeploymentsDockerTest.IRIS).strip();
        new DeploymentStore(db).insert(new Deployment(id, DEPLOY_USER, "training", null, DeploymentsDockerTest.IRIS,
                5000, new Resources(1, 512, 2), List.of("GPU-dpl-1", "GPU-dpl-2"), Deployment.RUNNING, null,
                Instant.now(), deploymentContainer, "http://127.0.0.1:5000/"));
        deployments.recoverAndWatch();
        assertEquals(List.of("GPU-dpl-1", "GPU-dpl-2"), gpus.heldBy(ServerRef.deployment(DEPLOY_USER, id)));
        assertEquals(gpus.snapshot(), spawner.gpuSnapshot(), "the spawner sees the deployment's GPUs as taken");

        // one more asking, from either side: the shortage is named, nothing is allocated or left running
        SpawnException serverRefused = assertThrows(SpawnException.class, () -> startServer(LATE_USER, "gpu1"));
        assertEquals("Not enough free GPUs: " + LATE_USER + " asks for 1, 0 of 3 are free (servers and deployments"
                + " share them). Try again when another server or deployment stops.", serverRefused.getMessage());
        assertEquals("", docker("ps", "-aq", "--filter", "label=meridian.user=" + LATE_USER).strip());
        ApiException deploymentRefused = assertThrows(ApiException.class, () -> deployGpus(1));
        assertEquals(409, deploymentRefused.status());
        assertTrue(deploymentRefused.getMessage().contains("asks for 1, 0 of 3 are free"), deploymentRefused.getMessage());
        assertEquals(List.of(id), deployments.list(DEPLOY_USER).stream().map(Deployment::id).toList());
        assertEquals(3, held());

        // deleting the deployment frees its two GPUs for a server: only the missing NVIDIA runtime stops that one
        deployments.delete(DEPLOY_USER, id);
        assertEquals(1, held());
        SpawnException serverNoRuntime = assertThrows(SpawnException.class, () -> startServer(LATE_USER, "gpu2"));
        assertTrue(serverNoRuntime.getMessage().startsWith("This host has no NVIDIA container runtime"),
                serverNoRuntime.getMessage());
        assertEquals(1, held(), "the failed server start gave its GPUs back");

        // stopping the server frees its GPU for a deployment: all three pass the allocator
        spawner.stop(server, false);
        assertEquals(0, held());
        ApiException allThree = assertThrows(ApiException.class, () -> deployGpus(3));
        assertEquals(503, allThree.status(), allThree.getMessage());
        assertNothingOf(DEPLOY_USER);
        assertEquals(0, held());
    }

    @Test
    void deploymentGpusNamedApartFromDockersAreRefusedAtStart() {
        DeploymentSettings other = DeploymentSettings.fromEnv(Map.of("MERIDIAN_GPUS", "GPU-x"), dir);
        DockerSpawnerConfig docker = DockerSpawnerConfig.of(List.of(Profile.of("small", IMAGE, 1.0, 256L << 20)))
                .withGpus(GpuInventory.of(GPUS), 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Deployments.gpuAllocator(other, Optional.of(docker)));
        assertTrue(e.getMessage().startsWith("MERIDIAN_GPUS lists [GPU-x] but the Docker spawner's docker.gpus has"
                + " [GPU-dpl-0, GPU-dpl-1, GPU-dpl-2]"), e.getMessage());
        assertEquals(3, Deployments.gpuAllocator(settings, Optional.of(docker)).inventory().size(),
                "without MERIDIAN_GPUS deployments take Docker's inventory");
    }

    private Deployment deployGpus(int count) {
        return deployments.create(DEPLOY_USER, new Deployments.Request(null, DeploymentsDockerTest.IRIS, null,
                new Resources(1, 512, count), null));
    }

    private void startServer(String user, String profile) throws SpawnException {
        spawner.start(new SpawnRequest(user, "", "/user/" + user + "/", UUID.randomUUID().toString(),
                Map.of(), Map.of("profile", profile), Duration.ofSeconds(60)), event -> { });
    }

    private long held() {
        return gpus.snapshot().stream().filter(a -> !a.free()).count();
    }

    private void assertNothingOf(String user) {
        assertTrue(deployments.list(user).isEmpty(), "no deployment row");
        assertEquals("", docker("ps", "-aq", "--filter", "label=meridian.user=" + user).strip(), "no container");
        assertTrue(gpus.snapshot().stream().map(GpuAssignment::holders).flatMap(List::stream)
                .noneMatch(h -> h.user().equals(user)), "no GPU held: " + gpus.snapshot());
    }
}
