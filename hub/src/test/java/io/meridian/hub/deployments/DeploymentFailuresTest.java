package io.meridian.hub.deployments;

import io.meridian.hub.catalog.Catalog;
import io.meridian.hub.catalog.CatalogSettings;
import io.meridian.hub.catalog.Resources;
import io.meridian.hub.config.HubConfig;
import io.meridian.hub.db.Database;
import io.meridian.hub.inference.Inference;
import io.meridian.hub.users.UserStore;
import io.meridian.hub.web.ApiException;
import io.meridian.spawner.gpu.GpuAllocator;
import io.meridian.spawner.gpu.GpuAssignment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Backends that are down: Docker not reachable and an OSCAR cluster that does not answer give clear
 * errors and leave nothing behind. The services run on a real database; the backends are really absent.
 */
class DeploymentFailuresTest {
    static final String IRIS = "meridian/module-iris:latest";

    @TempDir
    Path dir;
    Database db;
    Catalog catalog;

    @BeforeEach
    void open() {
        db = Database.open(HubConfig.embedded(dir));
        new UserStore(db).create(List.of("dpl-olga"), false);
        catalog = CatalogSettings.fromEnv(Map.of(), dir).open();
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void unreachableDockerIsA503ThatSaysWhatToDoAndLeavesNothing() throws Exception {
        DeploymentSettings settings = DeploymentSettings.fromEnv(Map.of(), dir)
                .withDockerHost("unix://" + dir.resolve("no-docker.sock"));
        try (Deployments deployments = new Deployments(settings, db, catalog, new GpuAllocator(settings.gpus(), 1))) {
            ApiException e = assertThrows(ApiException.class, () -> deployments.create("dpl-olga",
                    new Deployments.Request(null, IRIS, null, null, null)));
            assertEquals(503, e.status());
            assertTrue(e.getMessage().contains("Docker is not reachable at unix://" + dir.resolve("no-docker.sock")),
                    e.getMessage());
            assertTrue(deployments.list("dpl-olga").isEmpty());
        }
    }

    @Test
    void gpuDeploymentOnAHostWithoutGpuSupportFailsClearlyAndReleasesTheGpu() throws Exception {
        DeploymentSettings settings = DeploymentSettings.fromEnv(Map.of("MERIDIAN_GPUS", "GPU-test-0"), dir);
        GpuAllocator gpus = new GpuAllocator(settings.gpus(), 1);
        try (Deployments deployments = new Deployments(settings, db, catalog, gpus)) {
            for (int attempt = 0; attempt < 2; attempt++) {
                ApiException e = assertThrows(ApiException.class, () -> deployments.create("dpl-olga",
                        new Deployments.Request(null, IRIS, null, new Resources(1, 512, 1), null)));
                assertEquals(503, e.status(), e.getMessage());
                assertTrue(e.getMessage().contains("cannot give GPUs to containers"), e.getMessage());
            }
            assertTrue(gpus.snapshot().stream().allMatch(GpuAssignment::free), gpus.snapshot().toString());
            assertTrue(deployments.list("dpl-olga").isEmpty());
            assertEquals("", DeploymentsDockerTest.docker("ps", "-aq", "--filter",
                    "label=meridian.hub=" + settings.hubId()).strip());
        }
    }

    @Test
    void unreachableOscarIsA502NamingTheClusterAndLeavesNoService() throws Exception {
        String url = "http://127.0.0.1:" + closedPort();
        DeploymentSettings settings = DeploymentSettings.fromEnv(Map.of("MERIDIAN_OSCAR_URL", url,
                "MERIDIAN_OSCAR_USER", "oscar", "MERIDIAN_OSCAR_PASSWORD", "secret"), dir);
        try (Deployments deployments = new Deployments(settings, db, catalog, new GpuAllocator(settings.gpus(), 1))) {
            Inference inference = new Inference(db, deployments, catalog, settings.oscar());
            assertEquals(List.of("local", "oscar"), inference.backends());
            ApiException e = assertThrows(ApiException.class, () -> inference.create("dpl-olga", new Inference.Request(
                    "classify", "oscar", new Deployments.Request(null, IRIS, null, null, null), null)));
            assertEquals(502, e.status());
            assertTrue(e.getMessage().contains("the OSCAR cluster at " + url + " did not answer"), e.getMessage());
            assertTrue(inference.list("dpl-olga").isEmpty());
            assertEquals(404, assertThrows(ApiException.class, () -> inference.get("dpl-olga", "classify")).status());
            assertTrue(deployments.list("dpl-olga").isEmpty(), "no local deployment instead");
        }
    }

    @Test
    void oscarBackendWithoutAClusterIsRefused() throws Exception {
        DeploymentSettings settings = DeploymentSettings.fromEnv(Map.of(), dir);
        try (Deployments deployments = new Deployments(settings, db, catalog, new GpuAllocator(settings.gpus(), 1))) {
            Inference inference = new Inference(db, deployments, catalog, settings.oscar());
            ApiException e = assertThrows(ApiException.class, () -> inference.create("dpl-olga", new Inference.Request(
                    "classify", "oscar", new Deployments.Request(null, IRIS, null, null, null), null)));
            assertEquals(409, e.status());
            assertTrue(e.getMessage().contains("no OSCAR cluster is configured"), e.getMessage());
            assertTrue(inference.list("dpl-olga").isEmpty());
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
