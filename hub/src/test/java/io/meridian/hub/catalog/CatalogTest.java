package io.meridian.hub.catalog;

import io.meridian.hub.web.ApiException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Search and deployment configuration over the repository's default catalog. */
class CatalogTest {
    private final Catalog catalog = new Catalog(new CatalogLoader(new MetadataValidator()), CatalogFixtures.DEFAULT_CATALOG, null);

    {
        catalog.refresh();
    }

    @Test
    void theDefaultCatalogHoldsTheIrisDemoModule() {
        CatalogModule iris = catalog.module("iris-classifier");
        assertEquals("meridian/module-iris", iris.image());
        assertEquals(5000, iris.port());
        assertEquals(List.of(), catalog.snapshot().invalid());
    }

    @Test
    void filtersCombineAndIgnoreCase() {
        assertEquals(List.of("plant-species-classifier", "yolov8-object-detection"),
                ids(new ModuleQuery(List.of(), List.of("computer vision"), List.of(), List.of(), List.of(), null)));
        assertEquals(List.of("plant-species-classifier"),
                ids(new ModuleQuery(List.of(), List.of("Computer Vision"), List.of(), List.of("TensorFlow"), List.of(), null)));
        assertEquals(List.of("iris-classifier"),
                ids(new ModuleQuery(List.of("JAVA"), List.of(), List.of(), List.of(), List.of("Tabular"), null)));
        assertEquals(List.of("ai4os-demo-app"),
                ids(new ModuleQuery(List.of(), List.of(), List.of("AI4 tools"), List.of(), List.of(), null)));
        assertEquals(List.of(), ids(new ModuleQuery(List.of("java"), List.of(), List.of(), List.of(), List.of("Image"), null)));
    }

    @Test
    void textSearchNeedsEveryWord() {
        assertEquals(List.of("iris-classifier"), ids(text("iris java")));
        assertEquals(List.of("yolov8-object-detection"), ids(text("COCO segmentation")));
        assertEquals(List.of(), ids(text("iris coco")));
        assertEquals(4, ids(text("")).size());
    }

    @Test
    void deploymentResourcesAreClampedToTheQuotaWithAWarning() {
        DeployConfig small = catalog.deployConfig("iris-classifier", "inference", Resources.DEFAULT_QUOTA);
        assertEquals(new Resources(1, 512, 0), small.granted());
        assertEquals(List.of(), small.warnings());

        DeployConfig big = catalog.deployConfig("yolov8-object-detection", "training", new Resources(4, 16000, 1));
        assertEquals(new Resources(8, 32000, 2), big.requested());
        assertEquals(new Resources(4, 16000, 1), big.granted());
        assertEquals(3, big.warnings().size());
        assertTrue(big.warnings().get(0).contains("asks for 8 CPUs; your quota allows 4"), big.warnings().get(0));
        assertEquals("ai4oshub/ai4os-yolov8-torch", big.image());
    }

    @Test
    void memoryWrittenAsTextIsUnderstood() {
        assertEquals(new Resources(2, 8000, 0),
                catalog.deployConfig("plant-species-classifier", "inference", new Resources(8, 64000, 4)).requested());
        assertEquals(Optional.of(16000L), Catalog.megabytes("16GB"));
        assertEquals(Optional.of(512L), Catalog.megabytes("512 MB"));
        assertEquals(Optional.of(4000L), Catalog.megabytes("4Gi"));
        assertEquals(Optional.empty(), Catalog.megabytes("lots"));
    }

    @Test
    void unknownModulesAndPurposesAreClearErrors() {
        assertEquals(404, assertThrows(ApiException.class, () -> catalog.module("nope")).status());
        assertEquals(400, assertThrows(ApiException.class,
                () -> catalog.deployConfig("iris-classifier", "mining", Resources.DEFAULT_QUOTA)).status());
    }

    private List<String> ids(ModuleQuery query) {
        return catalog.search(query).stream().map(CatalogModule::id).toList();
    }

    private static ModuleQuery text(String text) {
        return new ModuleQuery(List.of(), List.of(), List.of(), List.of(), List.of(), text);
    }
}
