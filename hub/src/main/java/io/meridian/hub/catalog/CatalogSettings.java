package io.meridian.hub.catalog;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Where the catalog comes from: {@code MERIDIAN_CATALOG_DIR} (default: {@code ./catalog} when it exists)
 * and optionally {@code MERIDIAN_CATALOG_GIT_URL} / {@code MERIDIAN_CATALOG_GIT_BRANCH}, cloned into the
 * hub's data folder.
 */
public record CatalogSettings(Path folder, String gitUrl, String gitBranch, Path gitCheckout) {

    public static CatalogSettings fromEnv(Map<String, String> env, Path dataDir) {
        String dir = env.get("MERIDIAN_CATALOG_DIR");
        Path folder = dir != null && !dir.isBlank() ? Path.of(dir).toAbsolutePath()
                : Files.isDirectory(Path.of("catalog")) ? Path.of("catalog").toAbsolutePath() : null;
        String git = env.get("MERIDIAN_CATALOG_GIT_URL");
        return new CatalogSettings(folder, git == null || git.isBlank() ? null : git.trim(),
                env.get("MERIDIAN_CATALOG_GIT_BRANCH"), dataDir.resolve("catalog-git"));
    }

    /** The catalog these settings describe, loaded once. */
    public Catalog open() {
        GitCatalogSource git = gitUrl == null ? null : new GitCatalogSource(gitUrl, gitBranch, gitCheckout, Duration.ofMinutes(2));
        Catalog catalog = new Catalog(new CatalogLoader(new MetadataValidator()), folder, git);
        catalog.refresh();
        return catalog;
    }
}
