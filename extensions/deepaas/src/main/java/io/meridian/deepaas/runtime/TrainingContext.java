package io.meridian.deepaas.runtime;

import java.util.Map;

/** Handed to {@link DeepaasModel#train}: reports progress and metrics, and says when to stop. */
public interface TrainingContext {

    /** The training's id, as clients see it in {@code /v2/models/{name}/train/{uuid}}. */
    String uuid();

    /**
     * Reports how far the training is (0 to 1) and its latest metrics; both appear in the
     * training status as the extension fields {@code progress} and {@code metrics}.
     */
    void progress(double fraction, Map<String, Double> metrics);

    /**
     * True once a client cancelled the training: the model should return soon. What it returns
     * then is discarded and the training ends as {@code cancelled}. The worker thread is also
     * interrupted, so blocking calls end with an InterruptedException.
     */
    boolean cancelled();
}
