package io.meridian.deepaas.runtime;

import java.util.List;
import java.util.Map;

/**
 * A Java model served by {@link DeepaasServer} through the DEEPaaS v2 API. Arguments arrive
 * validated and typed: INTEGER as Integer, NUMBER as Double, BOOLEAN as Boolean, STRING as
 * String; optional arguments without a value and without a default are absent from the map.
 * FILE arguments arrive in {@code files}. Trainings run one at a time on a worker thread, so
 * {@code train} may take long; {@code predict} may run concurrently with a training.
 */
public interface DeepaasModel {

    Metadata metadata();

    List<Arg> predictArgs();

    List<Arg> trainArgs();

    /**
     * Answers a prediction with a JSON-serialisable value. An IllegalArgumentException means the
     * input was bad (HTTP 400 with its message); any other exception is a 500.
     */
    Object predict(Map<String, Object> args, List<UploadedFile> files) throws Exception;

    /** Trains; an exception ends the training as {@code error} with the exception's message. */
    TrainResult train(Map<String, Object> args, TrainingContext context) throws Exception;
}
