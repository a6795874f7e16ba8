package io.meridian.deepaas.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Iris flower measurements: four features per sample (sepal length and width, petal length and
 * width, in cm) and, when known, the species. Reads the CSV shipped with the module and the
 * CSV files users upload for prediction.
 */
final class IrisData {
    static final List<String> SPECIES = List.of("setosa", "versicolor", "virginica");
    static final List<String> FEATURES = List.of("sepal_length", "sepal_width", "petal_length", "petal_width");

    /** One row: the features and the species index, or -1 when the row has no label. */
    record Sample(double[] features, int label) {
    }

    private IrisData() {
    }

    /** The 150 samples of Fisher's Iris data set, as shipped in iris.csv (50 of each species). */
    static List<Sample> bundled() {
        try (InputStream in = IrisData.class.getResourceAsStream("iris.csv")) {
            if (in == null) {
                throw new IllegalStateException("iris.csv is missing from the module jar");
            }
            return parseCsv(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads rows of four numbers, optionally followed by a species (with or without the
     * "Iris-" prefix); a first line that is not numeric is taken as a header.
     */
    static List<Sample> parseCsv(String text) {
        List<Sample> samples = new ArrayList<>();
        String[] lines = text.split("\\r?\\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] cells = line.split("\\s*[,;\\t]\\s*");
            if (samples.isEmpty() && i == firstContentLine(lines) && !isNumber(cells[0])) {
                continue;
            }
            if (cells.length < 4 || cells.length > 5) {
                throw new IllegalArgumentException("line " + (i + 1) + ": expected 4 measurements (and optionally"
                        + " a species), found " + cells.length + " values");
            }
            double[] features = new double[4];
            for (int f = 0; f < 4; f++) {
                if (!isNumber(cells[f])) {
                    throw new IllegalArgumentException("line " + (i + 1) + ": " + FEATURES.get(f) + " is not a number: '"
                            + cells[f] + "'");
                }
                features[f] = Double.parseDouble(cells[f]);
            }
            samples.add(new Sample(features, cells.length == 5 ? speciesIndex(cells[4], i + 1) : -1));
        }
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("the CSV has no rows of measurements");
        }
        return samples;
    }

    private static int firstContentLine(String[] lines) {
        for (int i = 0; i < lines.length; i++) {
            if (!lines[i].isBlank() && !lines[i].trim().startsWith("#")) {
                return i;
            }
        }
        return -1;
    }

    private static int speciesIndex(String name, int line) {
        String s = name.trim().replace("\"", "");
        s = s.regionMatches(true, 0, "Iris-", 0, 5) ? s.substring(5) : s;
        int index = SPECIES.indexOf(s.toLowerCase(Locale.ROOT));
        if (index < 0) {
            throw new IllegalArgumentException("line " + line + ": unknown species '" + name + "' (expected one of "
                    + SPECIES + ")");
        }
        return index;
    }

    private static boolean isNumber(String s) {
        try {
            return Double.isFinite(Double.parseDouble(s));
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
