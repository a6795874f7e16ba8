package io.meridian.hub.config;

import io.meridian.hub.quotas.Quota;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The catalog and quota sections of the hub's YAML file, and the environment variables that win over them. */
class HubConfigTest {

    @Test
    void theCatalogIsSetInTheYamlFile() throws IOException {
        Path dir = Files.createTempDirectory("meridian-config");
        HubConfig config = load(dir, """
                catalog:
                  dir: %s/modules
                  git_url: https://git.example.org/catalog.git
                  git_branch: stable
                """.formatted(dir), Map.of());
        assertEquals(dir.resolve("modules"), config.catalog().folder());
        assertEquals("https://git.example.org/catalog.git", config.catalog().gitUrl());
        assertEquals("stable", config.catalog().gitBranch());
        assertEquals(config.dataDir().resolve("catalog-git"), config.catalog().gitCheckout());
    }

    @Test
    void catalogEnvironmentVariablesWinOverTheFile() throws IOException {
        Path dir = Files.createTempDirectory("meridian-config");
        HubConfig config = load(dir, """
                catalog:
                  dir: %s/from-file
                  git_url: https://git.example.org/from-file.git
                  git_branch: stable
                """.formatted(dir), Map.of("MERIDIAN_CATALOG_DIR", dir + "/from-env",
                "MERIDIAN_CATALOG_GIT_URL", "https://git.example.org/from-env.git", "MERIDIAN_CATALOG_GIT_BRANCH", " "));
        assertEquals(dir.resolve("from-env"), config.catalog().folder());
        assertEquals("https://git.example.org/from-env.git", config.catalog().gitUrl());
        assertEquals("stable", config.catalog().gitBranch(), "a blank variable leaves the file's value");
    }

    @Test
    void withoutACatalogSectionThereIsNoGitSource() throws IOException {
        HubConfig config = load(Files.createTempDirectory("meridian-config"), "port: 8123\n", Map.of());
        assertNull(config.catalog().gitUrl());
        assertNull(config.catalog().gitBranch());
    }

    @Test
    void theQuotaSectionSetsEveryUsersDefault() throws IOException {
        HubConfig config = load(Files.createTempDirectory("meridian-config"), """
                quota:
                  storage_bytes: 10737418240
                  servers: 2
                  deployments: 5
                  cpu: 16
                  memory_mb: none
                  gpus: 0
                """, Map.of());
        assertEquals(new Quota(10737418240L, 2, 5, 16, null, 0), config.quota());
    }

    @Test
    void withoutAQuotaSectionDeploymentsKeepTheirOldLimitsAndTheRestIsUnlimited() throws IOException {
        HubConfig config = load(Files.createTempDirectory("meridian-config"), "port: 8123\n", Map.of());
        assertEquals(new Quota(null, null, 3, 4, 8192L, 1), config.quota());
    }

    @Test
    void quotaEnvironmentVariablesWinOverTheFile() throws IOException {
        HubConfig config = load(Files.createTempDirectory("meridian-config"), """
                quota:
                  storage_bytes: 1000
                  servers: 2
                  cpu: 16
                """, Map.of("MERIDIAN_QUOTA_STORAGE_BYTES", "none", "MERIDIAN_QUOTA_SERVERS", "4",
                "MERIDIAN_DEPLOY_QUOTA_CPU", "8", "MERIDIAN_DEPLOY_MAX_PER_USER", "1"));
        assertEquals(new Quota(null, 4, 1, 8, 8192L, 1), config.quota());
    }

    @Test
    void aBadQuotaValueStopsTheHubWithTheSettingsName() throws IOException {
        Path dir = Files.createTempDirectory("meridian-config");
        IllegalArgumentException fromFile = assertThrows(IllegalArgumentException.class,
                () -> load(dir, "quota:\n  servers: -2\n", Map.of()));
        assertTrue(fromFile.getMessage().contains("quota.servers"), fromFile.getMessage());
        IllegalArgumentException fromEnv = assertThrows(IllegalArgumentException.class,
                () -> load(dir, "port: 8123\n", Map.of("MERIDIAN_QUOTA_STORAGE_BYTES", "10G")));
        assertTrue(fromEnv.getMessage().contains("MERIDIAN_QUOTA_STORAGE_BYTES") && fromEnv.getMessage().contains("10G"),
                fromEnv.getMessage());
    }

    @Test
    void theExampleFileDocumentsBothSections() {
        HubConfig config = HubConfig.load(Optional.of(Path.of("meridian-hub.example.yml")), Map.of());
        assertEquals(new Quota(10737418240L, 2, 3, 4, 8192L, 1), config.quota());
        assertEquals("main", config.catalog().gitBranch());
        assertEquals(Path.of("catalog").toAbsolutePath(), config.catalog().folder());
    }

    private static HubConfig load(Path dir, String yaml, Map<String, String> env) throws IOException {
        Path file = dir.resolve("hub.yml");
        Files.writeString(file, "data_dir: " + dir.resolve("data") + "\n" + yaml);
        return HubConfig.load(Optional.of(file), env);
    }
}
