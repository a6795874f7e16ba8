package io.meridian.deepaas.runtime;

import java.util.List;
import java.util.Map;

/**
 * A Java twin of DEEPaaS's built-in {@code deepaas-test} model (same metadata and arguments),
 * so the recorded exchanges with the real server can be replayed against this runtime.
 */
final class DeepaasTestModel implements DeepaasModel {
    static final String PNG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

    @Override
    public Metadata metadata() {
        return new Metadata("deepaas-test", "This is not a model at all, just a placeholder for testing the API"
                + " functionality. If you are seeing this, it is because DEEPaaS could not load a valid model.",
                "Alvaro Lopez Garcia", "0.0.1", "https://github.com/indigo-dc/DEEPaaS/", "Apache 2.0");
    }

    @Override
    public List<Arg> predictArgs() {
        return List.of(
                Arg.file("data").asRequired().withDescription("Data file to perform inference."),
                Arg.integer("parameter").asRequired().withDescription("This is a parameter for prediction"),
                Arg.string("parameter_three").withChoices("foo", "bar")
                        .withDescription("This is a parameter that forces its value to be one of the choices"
                                + " declared in 'enum'"));
    }

    @Override
    public List<Arg> trainArgs() {
        return List.of(Arg.integer("sleep").asRequired(),
                Arg.string("parameter_two").withDescription("This is a string parameter."));
    }

    @Override
    public Object predict(Map<String, Object> args, List<UploadedFile> files) {
        return Map.of("date", "2019-01-1", "labels", List.of(Map.of("label", "foo", "probability", 1.0)), "data", PNG);
    }

    @Override
    public TrainResult train(Map<String, Object> args, TrainingContext context) throws InterruptedException {
        Thread.sleep((Integer) args.get("sleep") * 1000L);
        return TrainResult.empty();
    }
}
