package io.meridian.deepaas.demo;

import io.meridian.deepaas.runtime.DeepaasServer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Iris demo module: {@code java -jar meridian-deepaas-...-module-iris.jar --port 5000
 * [--host 0.0.0.0] [--model-dir DIR]} serves the Iris classifier through the DEEPaaS v2 API.
 * The model lives in DIR/iris-model.json (default: $MERIDIAN_MODEL_DIR, else ./iris-model).
 */
public final class IrisModule {
    private IrisModule() {
    }

    public static void main(String[] argv) throws Exception {
        String dir = System.getenv().getOrDefault("MERIDIAN_MODEL_DIR", "iris-model");
        List<String> serverArgs = new ArrayList<>();
        for (int i = 0; i < argv.length; i++) {
            if (argv[i].equals("--model-dir")) {
                if (i + 1 >= argv.length) {
                    System.err.println("--model-dir needs a directory");
                    System.exit(2);
                }
                dir = argv[++i];
            } else {
                serverArgs.add(argv[i]);
            }
        }
        IrisModel model = IrisModel.open(Path.of(dir, "iris-model.json"));
        try {
            DeepaasServer.serve(serverArgs.toArray(String[]::new), List.of(model));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        } catch (IOException e) {
            System.err.println("cannot listen: " + e.getMessage() + " (is the port in use?)");
            System.exit(1);
        }
    }
}
