package io.meridian.hub.deployments;

import io.meridian.deepaas.client.PredictRequest;
import io.meridian.hub.catalog.Catalog;
import io.meridian.hub.catalog.CatalogSettings;
import io.meridian.hub.config.HubConfig;
import io.meridian.hub.db.Database;
import io.meridian.hub.users.UserStore;
import io.meridian.spawner.gpu.GpuAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A catalog module deploys with its image and the resources its metadata asks for (the repository's catalog). */
class CatalogModuleDeploymentTest {
    static final Path CATALOG = Path.of("../catalog").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void irisModuleRunsWithItsMetadataResourcesAndPredicts() throws Exception {
        try (Database db = Database.open(HubConfig.embedded(dir))) {
            new UserStore(db).create(List.of("dpl-carl"), false);
            Catalog catalog = new CatalogSettings(CATALOG, null, null, dir.resolve("git")).open();
            DeploymentSettings settings = DeploymentSettings.fromEnv(Map.of(), dir);
            try (Deployments deployments = new Deployments(settings, db, catalog, new GpuAllocator(settings.gpus(), 1))) {
                Deployment d = deployments.create("dpl-carl",
                        new Deployments.Request("iris-classifier", null, null, null, "inference"));
                try {
                    assertEquals("running", d.state());
                    assertEquals("iris-classifier", d.module());
                    assertEquals("meridian/module-iris", d.image());
                    assertEquals(1, d.resources().cpu());
                    assertEquals(512, d.resources().memoryMb());
                    assertEquals("setosa", deployments.client(d).predict("iris-classifier",
                            PredictRequest.json(DeploymentsDockerTest.SETOSA)).json()
                            .get("predictions").get(0).get("species").asText());
                } finally {
                    deployments.delete("dpl-carl", d.id());
                }
                assertTrue(deployments.list("dpl-carl").isEmpty());
                assertEquals("", DeploymentsDockerTest.docker("ps", "-aq", "--filter",
                        "label=meridian.deployment=" + d.id()).strip());
            }
        }
    }
}
