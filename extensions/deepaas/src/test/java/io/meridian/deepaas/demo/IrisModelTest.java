package io.meridian.deepaas.demo;

import io.meridian.deepaas.runtime.TrainResult;
import io.meridian.deepaas.runtime.TrainingContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Iris data shipped with the module, and the classifier trained on it. */
class IrisModelTest {

    @Test
    void bundledDataIsFishersIrisWithFiftyOfEachSpecies() {
        List<IrisData.Sample> all = IrisData.bundled();
        assertEquals(150, all.size());
        for (int c = 0; c < 3; c++) {
            int species = c;
            assertEquals(50, all.stream().filter(s -> s.label() == species).count(), IrisData.SPECIES.get(c));
        }
        double petalLengthSum = all.stream().mapToDouble(s -> s.features()[2]).sum();
        assertEquals(563.7, petalLengthSum, 1e-9, "Fisher's petal lengths sum to 563.7 cm");
        double sepalLengthSum = all.stream().mapToDouble(s -> s.features()[0]).sum();
        assertEquals(876.5, sepalLengthSum, 1e-9, "Fisher's sepal lengths sum to 876.5 cm");
    }

    @Test
    void classifiesHeldOutFlowersWithMoreThanNinetyPercentAccuracyOnAverage(@TempDir Path dir) throws Exception {
        IrisModel model = IrisModel.open(dir.resolve("m.json"));
        List<Double> testAccuracies = new ArrayList<>();
        for (int seed : new int[]{1, 7, 42, 2024, 99}) {
            Map<String, Object> args = defaults(model);
            args.put("seed", seed);
            List<Double> progress = new ArrayList<>();
            TrainResult result = model.train(args, context(progress));
            @SuppressWarnings("unchecked")
            Map<String, Object> out = (Map<String, Object>) result.output();
            testAccuracies.add((Double) out.get("test_accuracy"));
            assertTrue((Double) out.get("train_accuracy") > 0.95, out.toString());
            assertEquals(500, progress.size(), "one progress report per epoch");
            assertEquals(1.0, progress.get(progress.size() - 1));
        }
        double mean = testAccuracies.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertTrue(mean > 0.9, "mean test accuracy " + mean + " over " + testAccuracies);
    }

    @Test
    void aSavedModelIsLoadedOnStartAndABrokenOneIsAClearError(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("m.json");
        IrisModel.open(file);
        assertTrue(Files.size(file) > 0, "the default model is trained and saved on first start");
        String saved = Files.readString(file);
        IrisModel.open(file);
        assertEquals(saved, Files.readString(file), "an existing model is loaded, not retrained");

        Files.writeString(file, "{\"weights\": 3}");
        Exception e = assertThrows(IOException.class, () -> IrisModel.open(file));
        assertTrue(e.getMessage().contains("cannot read the Iris model in " + file), e.getMessage());
    }

    @Test
    void csvWithTooFewColumnsOrAnUnknownSpeciesIsRefusedWithTheLine() {
        assertEquals("line 2: expected 4 measurements (and optionally a species), found 3 values",
                assertThrows(IllegalArgumentException.class, () -> IrisData.parseCsv("a,b,c,d\n1,2,3\n")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> IrisData.parseCsv("1,2,3,4,rose\n"))
                .getMessage().startsWith("line 1: unknown species 'rose'"));
    }

    private static Map<String, Object> defaults(IrisModel model) {
        Map<String, Object> args = new HashMap<>();
        model.trainArgs().forEach(a -> args.put(a.name(), a.defaultValue()));
        return args;
    }

    private static TrainingContext context(List<Double> progress) {
        return new TrainingContext() {
            @Override
            public String uuid() {
                return "test";
            }

            @Override
            public void progress(double fraction, Map<String, Double> metrics) {
                progress.add(fraction);
            }

            @Override
            public boolean cancelled() {
                return false;
            }
        };
    }
}
