package io.meridian.hub.catalog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CatalogLoaderTest {
    private final CatalogLoader loader = new CatalogLoader(new MetadataValidator());

    @TempDir
    Path root;

    @Test
    void badFilesAreListedWithReasonsAndNeverStopTheRest() {
        CatalogFixtures.copyExample(root, "mods", "sample-v2.mods.yaml", "ai4-metadata.yml");
        CatalogFixtures.copyExample(root, "old-v1-module", "invalid.json", "ai4-metadata.json");
        CatalogFixtures.module(root, "broken-yaml", "ai4-metadata.yml", "title: [unclosed\n  - : :");
        CatalogFixtures.module(root, "a-list", "ai4-metadata.yml", "- just\n- a list\n");
        CatalogFixtures.module(root, "no-metadata", "README.md", "nothing here");
        CatalogFixtures.module(root, "Bad Name!", "ai4-metadata.yml", CatalogFixtures.minimal("X", "a/b", ""));
        CatalogFixtures.module(root, ".git", "ai4-metadata.yml", "ignored: true");

        CatalogLoader.Loaded loaded = loader.load(root, "folder");

        assertEquals(List.of("mods"), List.copyOf(loaded.modules().keySet()));
        List<String> invalidIds = loaded.invalid().stream().map(InvalidModule::id).sorted().toList();
        assertEquals(List.of("a-list", "bad name!", "broken-yaml", "no-metadata", "old-v1-module"), invalidIds);
        loaded.invalid().forEach(i -> assertTrue(!i.problems().isEmpty() && !i.problems().get(0).isBlank(), i.toString()));
        InvalidModule v1 = loaded.invalid().stream().filter(i -> i.id().equals("old-v1-module")).findFirst().orElseThrow();
        assertEquals("old-v1-module/ai4-metadata.json", v1.file());
    }

    @Test
    void aValidModuleMapsToItsImageAndDeepaasPort() {
        CatalogFixtures.copyExample(root, "mods", "sample-v2.mods.yaml", "ai4-metadata.yml");
        CatalogFixtures.module(root, "bare", "ai4-metadata.yml", CatalogFixtures.minimal("Bare", "ai4oshub/ai4os-demo-app",
                "unknown_field: {nested: [1, 2]}\nlinks_extra: yes\n"));

        CatalogLoader.Loaded loaded = loader.load(root, "folder");

        CatalogModule mods = loaded.modules().get("mods");
        assertEquals("deephdc/deep-oc-mods", mods.image(), "a Docker Hub URL becomes an image reference");
        assertEquals(5000, mods.port());
        assertEquals(List.of("TensorFlow", "Keras"), mods.libraries());
        assertEquals(List.of("Tabular"), mods.dataTypes());
        assertTrue(mods.description().startsWith("This use case analyzes"));
        CatalogModule bare = loaded.modules().get("bare");
        assertEquals("ai4oshub/ai4os-demo-app", bare.image());
        assertTrue(bare.metadata().has("unknown_field"), "extra fields are kept");
    }

    @Test
    void aFolderThatIsItselfAModuleLoadsAsOne() {
        CatalogFixtures.module(root, "iris", "ai4-metadata.yml", CatalogFixtures.minimal("Iris", "meridian/module-iris", ""));
        CatalogLoader.Loaded loaded = loader.load(root.resolve("iris"), "git");
        assertEquals(List.of("iris"), List.copyOf(loaded.modules().keySet()));
        assertEquals("git", loaded.modules().get("iris").source());
    }

    @Test
    void dockerImageLinksInEveryShapeRealModulesUse() {
        assertEquals("deephdc/deep-oc-mods", DockerImages.fromLink("https://hub.docker.com/r/deephdc/deep-oc-mods"));
        assertEquals("ai4oshub/plants-classification", DockerImages.fromLink("https://hub.docker.com/r/ai4oshub/plants-classification/"));
        assertEquals("ubuntu", DockerImages.fromLink("https://hub.docker.com/_/ubuntu"));
        assertEquals("ai4oshub/ai4os-demo-app", DockerImages.fromLink("ai4oshub/ai4os-demo-app"));
        assertEquals("ai4oshub/ai4os-demo-app:latest", DockerImages.fromLink(" ai4oshub/ai4os-demo-app:latest "));
        assertEquals("registry.example.org/team/model", DockerImages.fromLink("https://registry.example.org/team/model"));
        assertEquals(null, DockerImages.fromLink(""));
        assertEquals(null, DockerImages.fromLink("not an image; rm -rf /"));
    }
}
