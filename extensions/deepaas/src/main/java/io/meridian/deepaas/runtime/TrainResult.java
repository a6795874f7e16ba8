package io.meridian.deepaas.runtime;

/**
 * What a finished training returns; {@code output} becomes {@code result.output} of the training
 * status (DEEPaaS's shape), so it should be JSON-serialisable (a map, a list, a record, or null).
 */
public record TrainResult(Object output) {

    public static TrainResult empty() {
        return new TrainResult(null);
    }
}
