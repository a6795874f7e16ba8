package io.meridian.deepaas.demo;

import io.meridian.deepaas.Json;
import io.meridian.deepaas.runtime.Arg;
import io.meridian.deepaas.runtime.DeepaasModel;
import io.meridian.deepaas.runtime.Metadata;
import io.meridian.deepaas.runtime.TrainResult;
import io.meridian.deepaas.runtime.TrainingContext;
import io.meridian.deepaas.runtime.UploadedFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The demo module's model: an Iris species classifier (softmax regression) trained on the 150
 * bundled samples. Training reports loss and accuracy each epoch and saves the model to a file;
 * predictions use the last saved model, from four measurements or an uploaded CSV.
 */
public final class IrisModel implements DeepaasModel {
    static final String NAME = "iris-classifier";
    private static final int MAX_EPOCHS = 100_000;

    private final Path modelFile;
    private final AtomicReference<SoftmaxRegression.Saved> current = new AtomicReference<>();

    private IrisModel(Path modelFile) {
        this.modelFile = modelFile;
    }

    /**
     * The model kept in {@code modelFile}: loaded when the file exists, otherwise trained with
     * the default arguments (a fraction of a second) and saved, so predict works from the start.
     */
    public static IrisModel open(Path modelFile) throws IOException {
        IrisModel model = new IrisModel(modelFile);
        if (Files.exists(modelFile)) {
            SoftmaxRegression.Saved saved;
            try {
                saved = Json.MAPPER.readValue(modelFile.toFile(), SoftmaxRegression.Saved.class);
                saved.model();
            } catch (IOException | IllegalArgumentException e) {
                throw new IOException("cannot read the Iris model in " + modelFile + " (" + e.getMessage()
                        + "); delete it to retrain from scratch", e);
            }
            model.current.set(saved);
        } else {
            Map<String, Object> defaults = new LinkedHashMap<>();
            model.trainArgs().forEach(a -> defaults.put(a.name(), a.defaultValue()));
            try {
                model.fit(defaults, null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while training the default Iris model", e);
            }
        }
        return model;
    }

    @Override
    public Metadata metadata() {
        return new Metadata(NAME, "Classifies Iris flowers (setosa, versicolor, virginica) from sepal and petal"
                + " measurements with multinomial logistic regression, trained on Fisher's Iris data set.",
                "Meridian", "1.0.0", "https://en.wikipedia.org/wiki/Iris_flower_data_set", "Apache-2.0");
    }

    @Override
    public List<Arg> predictArgs() {
        List<Arg> args = new ArrayList<>();
        for (String feature : IrisData.FEATURES) {
            args.add(Arg.number(feature).withDescription(feature.replace('_', ' ') + " in cm"));
        }
        args.add(Arg.file("data").withDescription("CSV of samples instead of single measurements: "
                + String.join(",", IrisData.FEATURES) + "[,species], optional header line"));
        return args;
    }

    @Override
    public List<Arg> trainArgs() {
        return List.of(
                Arg.integer("epochs").withDefault(500).withDescription("gradient descent steps, 1 to " + MAX_EPOCHS),
                Arg.number("learning_rate").withDefault(0.5).withDescription("step size, greater than 0"),
                Arg.number("l2").withDefault(0.001).withDescription("L2 regularisation strength, 0 or more"),
                Arg.number("test_fraction").withDefault(0.2)
                        .withDescription("share of each species held out to measure test accuracy, 0 to 0.5"),
                Arg.integer("seed").withDefault(7).withDescription("seed of the train/test split"),
                Arg.integer("epoch_delay_ms").withDefault(0)
                        .withDescription("pause after each epoch, 0 to 1000 ms, to watch progress in a demo"));
    }

    @Override
    public Object predict(Map<String, Object> args, List<UploadedFile> files) {
        List<IrisData.Sample> samples = new ArrayList<>();
        for (UploadedFile file : files) {
            try {
                samples.addAll(IrisData.parseCsv(file.text()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file.filename() + ": " + e.getMessage());
            }
        }
        List<String> missing = IrisData.FEATURES.stream().filter(f -> !args.containsKey(f)).toList();
        if (missing.size() < IrisData.FEATURES.size()) {
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException("missing measurements " + missing
                        + ": give all four, or upload a CSV file as 'data'");
            }
            double[] features = IrisData.FEATURES.stream().mapToDouble(f -> (Double) args.get(f)).toArray();
            samples.add(new IrisData.Sample(features, -1));
        }
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("nothing to classify: give " + IrisData.FEATURES
                    + " or upload a CSV file as 'data'");
        }
        SoftmaxRegression.Saved saved = current.get();
        SoftmaxRegression model = saved.model();
        List<Map<String, Object>> predictions = new ArrayList<>();
        int labelled = 0;
        int right = 0;
        for (IrisData.Sample s : samples) {
            double[] p = model.probabilities(s.features());
            int best = model.predict(s.features());
            Map<String, Double> probabilities = new LinkedHashMap<>();
            for (int c = 0; c < p.length; c++) {
                probabilities.put(IrisData.SPECIES.get(c), Math.round(p[c] * 1e4) / 1e4);
            }
            predictions.add(Map.of("species", IrisData.SPECIES.get(best), "probabilities", probabilities));
            if (s.label() >= 0) {
                labelled++;
                right += s.label() == best ? 1 : 0;
            }
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("predictions", predictions);
        if (labelled > 0) {
            answer.put("labelled", labelled);
            answer.put("accuracy", (double) right / labelled);
        }
        answer.put("model", Map.of("trained_at", saved.trainedAt(), "epochs", saved.epochs(),
                "test_accuracy", saved.testAccuracy()));
        return answer;
    }

    @Override
    public TrainResult train(Map<String, Object> args, TrainingContext context) throws Exception {
        return fit(args, context);
    }

    private TrainResult fit(Map<String, Object> args, TrainingContext context) throws InterruptedException {
        int epochs = (Integer) args.get("epochs");
        double learningRate = (Double) args.get("learning_rate");
        double l2 = (Double) args.get("l2");
        double testFraction = (Double) args.get("test_fraction");
        int delay = (Integer) args.get("epoch_delay_ms");
        require(epochs >= 1 && epochs <= MAX_EPOCHS, "epochs must be between 1 and " + MAX_EPOCHS + ", not " + epochs);
        require(learningRate > 0, "learning_rate must be greater than 0, not " + learningRate);
        require(l2 >= 0, "l2 must be 0 or more, not " + l2);
        require(testFraction >= 0 && testFraction <= 0.5, "test_fraction must be between 0 and 0.5, not " + testFraction);
        require(delay >= 0 && delay <= 1000, "epoch_delay_ms must be between 0 and 1000, not " + delay);

        List<IrisData.Sample> train = new ArrayList<>();
        List<IrisData.Sample> test = new ArrayList<>();
        split(IrisData.bundled(), testFraction, new Random((Integer) args.get("seed")), train, test);
        SoftmaxRegression.Trainer trainer = new SoftmaxRegression.Trainer(train, IrisData.SPECIES.size(),
                learningRate, l2);
        SoftmaxRegression model = trainer.model();
        double loss = Double.NaN;
        double trainAccuracy = Double.NaN;
        for (int epoch = 1; epoch <= epochs; epoch++) {
            model = trainer.epoch();
            if (context != null) {
                loss = model.loss(train);
                trainAccuracy = model.accuracy(train);
                context.progress((double) epoch / epochs, Map.of("epoch", (double) epoch, "loss", loss,
                        "train_accuracy", trainAccuracy));
                if (context.cancelled()) {
                    return TrainResult.empty();
                }
            }
            if (delay > 0) {
                Thread.sleep(delay);
            }
        }
        loss = model.loss(train);
        trainAccuracy = model.accuracy(train);
        double testAccuracy = test.isEmpty() ? trainAccuracy : model.accuracy(test);
        SoftmaxRegression.Saved saved = new SoftmaxRegression.Saved(IrisData.SPECIES, IrisData.FEATURES,
                model.weights(), model.bias(), model.mean(), model.scale(),
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), epochs, trainAccuracy, testAccuracy);
        save(saved);
        current.set(saved);
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("epochs", epochs);
        output.put("loss", loss);
        output.put("train_accuracy", trainAccuracy);
        output.put("test_accuracy", testAccuracy);
        output.put("train_samples", train.size());
        output.put("test_samples", test.size());
        output.put("model_file", modelFile.toString());
        return new TrainResult(output);
    }

    /** Writes the model next to its final place and moves it there, so a reader never sees half a file. */
    private void save(SoftmaxRegression.Saved saved) {
        try {
            Path dir = modelFile.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "iris-model", ".tmp");
            Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), saved);
            Files.move(tmp, modelFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the Iris model to " + modelFile + ": " + e.getMessage(), e);
        }
    }

    /** Holds out the same share of each species, so the test set keeps the classes balanced. */
    private static void split(List<IrisData.Sample> all, double testFraction, Random random,
                              List<IrisData.Sample> train, List<IrisData.Sample> test) {
        for (int c = 0; c < IrisData.SPECIES.size(); c++) {
            int species = c;
            List<IrisData.Sample> ofSpecies = new ArrayList<>(all.stream().filter(s -> s.label() == species).toList());
            Collections.shuffle(ofSpecies, random);
            int held = (int) Math.round(ofSpecies.size() * testFraction);
            test.addAll(ofSpecies.subList(0, held));
            train.addAll(ofSpecies.subList(held, ofSpecies.size()));
        }
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
