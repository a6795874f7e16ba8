package io.meridian.hub.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetadataValidatorTest {
    private final MetadataValidator validator = new MetadataValidator();

    @Test
    void theUpstreamV2SampleIsValidEvenWithFieldsTheSchemaDoesNotName() {
        JsonNode sample = CatalogLoader.parse(CatalogFixtures.EXAMPLES.resolve("sample-v2.mods.yaml"));
        assertNotNull(sample);
        assertEquals(List.of(), validator.problems(sample));
    }

    @Test
    void theUpstreamInvalidExampleIsRefusedWithReasons() {
        JsonNode invalid = CatalogLoader.parse(CatalogFixtures.EXAMPLES.resolve("invalid.json"));
        List<String> problems = validator.problems(invalid);
        assertFalse(problems.isEmpty());
        String all = String.join("\n", problems);
        assertTrue(all.contains("metadata_version"), all);
        assertTrue(all.contains("links"), all);
        assertTrue(all.contains("description"), all);
    }

    @Test
    void everyModuleOfTheDefaultCatalogIsValid() throws IOException {
        try (Stream<Path> files = Files.list(CatalogFixtures.DEFAULT_CATALOG)) {
            List<Path> modules = files.filter(Files::isDirectory).toList();
            assertTrue(modules.size() >= 3, "the default catalog ships several modules");
            for (Path module : modules) {
                JsonNode metadata = CatalogLoader.parse(module.resolve("ai4-metadata.yml"));
                assertEquals(List.of(), validator.problems(metadata), module.toString());
            }
        }
    }

    @Test
    void valuesOutsideTheSchemasListsAreRefused() throws IOException {
        Path dir = Files.createTempDirectory("meta");
        Path file = CatalogFixtures.module(dir, "m", "ai4-metadata.yml",
                CatalogFixtures.minimal("M", "a/b", "data-type: [Spreadsheets]\n").replace("[PyTorch]", "[Torch]"));
        String all = String.join("\n", validator.problems(CatalogLoader.parse(file)));
        assertTrue(all.contains("libraries"), all);
        assertTrue(all.contains("data-type"), all);
    }
}
