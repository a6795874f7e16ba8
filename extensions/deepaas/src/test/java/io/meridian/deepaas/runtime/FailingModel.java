package io.meridian.deepaas.runtime;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/** A model whose training fails half way, the way a real one fails when its disk fills up. */
final class FailingModel implements DeepaasModel {

    @Override
    public Metadata metadata() {
        return new Metadata("failing", "Fails every training after reporting some progress.", null, null, null, null);
    }

    @Override
    public List<Arg> predictArgs() {
        return List.of();
    }

    @Override
    public List<Arg> trainArgs() {
        return List.of(Arg.string("reason").withDefault("no space left on device"));
    }

    @Override
    public Object predict(Map<String, Object> args, List<UploadedFile> files) {
        throw new IllegalStateException("predict is broken too");
    }

    @Override
    public TrainResult train(Map<String, Object> args, TrainingContext context) throws Exception {
        context.progress(0.5, Map.of("loss", 1.25));
        throw new IOException((String) args.get("reason"));
    }
}
