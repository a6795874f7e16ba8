package io.meridian.hub.catalog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real git repository, cloned and pulled with the real git command. */
class GitCatalogSourceTest {
    @TempDir
    Path temp;

    @Test
    void modulesFromGitAppearAndRefreshPullsNewOnes() throws Exception {
        Path repo = temp.resolve("repo");
        CatalogFixtures.module(repo, "iris", "ai4-metadata.yml", CatalogFixtures.minimal("Iris", "meridian/module-iris", ""));
        git(repo, "init", "--quiet", "--initial-branch=main");
        commitAll(repo, "first module");

        Path local = temp.resolve("local");
        CatalogFixtures.module(local, "iris", "ai4-metadata.yml", CatalogFixtures.minimal("Local iris", "x/y", ""));
        GitCatalogSource source = new GitCatalogSource(repo.toUri().toString(), "main", temp.resolve("data/catalog-git"),
                Duration.ofSeconds(60));
        Catalog catalog = new Catalog(new CatalogLoader(new MetadataValidator()), local, source);

        Catalog.Snapshot first = catalog.refresh();
        assertEquals("Local iris", catalog.module("iris").title(), "the configured folder wins over git");
        assertEquals(List.of("iris"), first.invalid().stream().map(InvalidModule::id).toList());

        CatalogFixtures.module(repo, "demo", "ai4-metadata.yml", CatalogFixtures.minimal("Demo", "ai4oshub/ai4os-demo-app", ""));
        commitAll(repo, "second module");
        catalog.refresh();
        assertEquals("git", catalog.module("demo").source());
    }

    @Test
    void anUnreachableRepositoryIsAWarningNotAFailure() {
        Path local = temp.resolve("local");
        CatalogFixtures.module(local, "iris", "ai4-metadata.yml", CatalogFixtures.minimal("Iris", "meridian/module-iris", ""));
        GitCatalogSource source = new GitCatalogSource(temp.resolve("no-such-repo").toUri().toString(), null,
                temp.resolve("data/catalog-git"), Duration.ofSeconds(60));
        Catalog.Snapshot snapshot = new Catalog(new CatalogLoader(new MetadataValidator()), local, source).refresh();
        assertEquals(List.of("iris"), List.copyOf(snapshot.modules().keySet()));
        assertEquals(1, snapshot.warnings().size());
        assertTrue(snapshot.warnings().get(0).startsWith("git clone of the catalog failed"), snapshot.warnings().get(0));
    }

    private static void commitAll(Path repo, String message) throws IOException, InterruptedException {
        git(repo, "add", "-A");
        git(repo, "-c", "user.name=Test", "-c", "user.email=test@example.org", "commit", "--quiet", "-m", message);
    }

    private static void git(Path repo, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("git", "-C", repo.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "git " + String.join(" ", args) + ": " + out);
    }
}
