package io.meridian.hub.catalog;

import io.helidon.config.Config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Where the catalog comes from: a folder (default: {@code ./catalog} when it exists) and optionally a git
 * repository cloned into the hub's data folder. Set in the YAML file's {@code catalog:} section
 * ({@code dir}, {@code git_url}, {@code git_branch}); {@code MERIDIAN_CATALOG_DIR},
 * {@code MERIDIAN_CATALOG_GIT_URL} and {@code MERIDIAN_CATALOG_GIT_BRANCH} win over the file.
 */
public record CatalogSettings(Path folder, String gitUrl, String gitBranch, Path gitCheckout) {

    public static CatalogSettings fromEnv(Map<String, String> env, Path dataDir) {
        return load(Config.empty(), env, dataDir);
    }

    /** @param yaml the whole hub configuration; its {@code catalog} section is read */
    public static CatalogSettings load(Config yaml, Map<String, String> env, Path dataDir) {
        Config catalog = yaml.get("catalog");
        String dir = setting(env, "MERIDIAN_CATALOG_DIR", catalog.get("dir"));
        Path folder = dir != null ? Path.of(dir).toAbsolutePath().normalize()
                : Files.isDirectory(Path.of("catalog")) ? Path.of("catalog").toAbsolutePath() : null;
        return new CatalogSettings(folder, setting(env, "MERIDIAN_CATALOG_GIT_URL", catalog.get("git_url")),
                setting(env, "MERIDIAN_CATALOG_GIT_BRANCH", catalog.get("git_branch")), dataDir.resolve("catalog-git"));
    }

    /** The catalog these settings describe, loaded once. */
    public Catalog open() {
        GitCatalogSource git = gitUrl == null ? null : new GitCatalogSource(gitUrl, gitBranch, gitCheckout, Duration.ofMinutes(2));
        Catalog catalog = new Catalog(new CatalogLoader(new MetadataValidator()), folder, git);
        catalog.refresh();
        return catalog;
    }

    /** The environment variable when set and not blank, else the YAML value when not blank, else null. */
    private static String setting(Map<String, String> env, String variable, Config yaml) {
        String value = env.get(variable);
        if (value == null || value.isBlank()) {
            value = yaml.asString().orElse(null);
        }
        return value == null || value.isBlank() ? null : value.trim();
    }
}
