package io.meridian.deepaas.demo;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * Multinomial logistic regression on standardised features: the classifier behind the Iris
 * module. Immutable; {@link Trainer} produces a new one epoch by epoch with full-batch gradient
 * descent on the cross-entropy loss with L2 regularisation.
 */
record SoftmaxRegression(double[][] weights, double[] bias, double[] mean, double[] scale) {

    int classes() {
        return bias.length;
    }

    /** Class probabilities for one sample of raw (unstandardised) features. */
    double[] probabilities(double[] raw) {
        double[] z = new double[classes()];
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes(); c++) {
            double s = bias[c];
            for (int f = 0; f < raw.length; f++) {
                s += weights[c][f] * (raw[f] - mean[f]) / scale[f];
            }
            z[c] = s;
            max = Math.max(max, s);
        }
        double sum = 0;
        for (int c = 0; c < z.length; c++) {
            z[c] = Math.exp(z[c] - max);
            sum += z[c];
        }
        for (int c = 0; c < z.length; c++) {
            z[c] /= sum;
        }
        return z;
    }

    int predict(double[] raw) {
        double[] p = probabilities(raw);
        int best = 0;
        for (int c = 1; c < p.length; c++) {
            if (p[c] > p[best]) {
                best = c;
            }
        }
        return best;
    }

    double accuracy(List<IrisData.Sample> samples) {
        long right = samples.stream().filter(s -> predict(s.features()) == s.label()).count();
        return samples.isEmpty() ? Double.NaN : (double) right / samples.size();
    }

    /** Mean cross-entropy of the labelled samples. */
    double loss(List<IrisData.Sample> samples) {
        double total = 0;
        for (IrisData.Sample s : samples) {
            total -= Math.log(Math.max(probabilities(s.features())[s.label()], 1e-12));
        }
        return total / samples.size();
    }

    /** Gradient descent state over one training set. */
    static final class Trainer {
        private final List<IrisData.Sample> samples;
        private final double learningRate;
        private final double l2;
        private final double[] mean;
        private final double[] scale;
        private final double[][] w;
        private final double[] b;

        Trainer(List<IrisData.Sample> samples, int classes, double learningRate, double l2) {
            if (samples.isEmpty()) {
                throw new IllegalArgumentException("no samples to train on");
            }
            this.samples = samples;
            this.learningRate = learningRate;
            this.l2 = l2;
            int features = samples.get(0).features().length;
            mean = new double[features];
            scale = new double[features];
            for (IrisData.Sample s : samples) {
                for (int f = 0; f < features; f++) {
                    mean[f] += s.features()[f] / samples.size();
                }
            }
            for (IrisData.Sample s : samples) {
                for (int f = 0; f < features; f++) {
                    scale[f] += Math.pow(s.features()[f] - mean[f], 2) / samples.size();
                }
            }
            for (int f = 0; f < features; f++) {
                scale[f] = scale[f] > 0 ? Math.sqrt(scale[f]) : 1;
            }
            w = new double[classes][features];
            b = new double[classes];
        }

        /** One full-batch gradient step; returns the model after it. */
        SoftmaxRegression epoch() {
            SoftmaxRegression current = model();
            double[][] gw = new double[b.length][mean.length];
            double[] gb = new double[b.length];
            for (IrisData.Sample s : samples) {
                double[] p = current.probabilities(s.features());
                for (int c = 0; c < b.length; c++) {
                    double err = p[c] - (c == s.label() ? 1 : 0);
                    gb[c] += err / samples.size();
                    for (int f = 0; f < mean.length; f++) {
                        gw[c][f] += err * (s.features()[f] - mean[f]) / scale[f] / samples.size();
                    }
                }
            }
            for (int c = 0; c < b.length; c++) {
                b[c] -= learningRate * gb[c];
                for (int f = 0; f < mean.length; f++) {
                    w[c][f] -= learningRate * (gw[c][f] + l2 * w[c][f]);
                }
            }
            return model();
        }

        SoftmaxRegression model() {
            double[][] copy = new double[w.length][];
            for (int c = 0; c < w.length; c++) {
                copy[c] = w[c].clone();
            }
            return new SoftmaxRegression(copy, b.clone(), mean.clone(), scale.clone());
        }
    }

    /** The file form of a trained model, with what it was trained with and how well it did. */
    record Saved(@JsonProperty("species") List<String> species, @JsonProperty("features") List<String> features,
                 double[][] weights, double[] bias, double[] mean, double[] scale,
                 @JsonProperty("trained_at") String trainedAt, int epochs,
                 @JsonProperty("train_accuracy") double trainAccuracy,
                 @JsonProperty("test_accuracy") double testAccuracy) {

        SoftmaxRegression model() {
            if (weights.length != species.size() || bias.length != species.size() || mean.length != features.size()
                    || scale.length != features.size()) {
                throw new IllegalArgumentException("saved model does not have " + species.size() + " classes and "
                        + features.size() + " features");
            }
            return new SoftmaxRegression(weights, bias, mean, scale);
        }
    }
}
