package io.meridian.platform.deploy;

import io.meridian.platform.LiveDisplay;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The notebook side of deployments, trainings and inference: {@code platform.deploy(...)},
 * {@code platform.train(...)} and {@code platform.inference()} delegate here.
 */
public final class Deployer {
    private static final Duration POLL = Duration.ofMillis(500);

    private final PlatformHttp http;

    public Deployer(URI hubBase, String token) {
        this.http = new PlatformHttp(hubBase, token);
    }

    /** Deploys a catalog module with the resources its metadata asks for (within your quota). */
    public Deployment deploy(String moduleId) {
        return deploy(moduleId, null);
    }

    /** Deploys a catalog module; waits until its DEEPaaS API answers. */
    public Deployment deploy(String moduleId, Resources resources) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("module", moduleId);
        if (resources != null) {
            body.put("resources", resources);
        }
        return new Deployment(http, http.post("/api/v1/deployments", body));
    }

    /** Deploys an image the hub allows (e.g. meridian/module-iris:latest). */
    public Deployment deployImage(String image, Resources resources) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("image", image);
        if (resources != null) {
            body.put("resources", resources);
        }
        return new Deployment(http, http.post("/api/v1/deployments", body));
    }

    public List<Deployment> deployments() {
        List<Deployment> out = new ArrayList<>();
        http.get("/api/v1/deployments").forEach(d -> out.add(new Deployment(http, d)));
        return out;
    }

    public Deployment deployment(String id) {
        return new Deployment(http, http.get("/api/v1/deployments/" + id));
    }

    /** Starts a training and returns at once; follow it with {@link Training#refresh()}. */
    public Training startTraining(Deployment deployment, Map<String, ?> args) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("deployment", deployment.id());
        body.put("args", args);
        return new Training(http, http.post("/api/v1/trainings", body));
    }

    /**
     * Trains and waits: in a notebook one progress bar is shown and updated in place, then replaced by
     * the final metrics. Interrupting the cell (kernel interrupt) cancels the training.
     */
    public Training train(Deployment deployment, Map<String, ?> args) {
        Training training = startTraining(deployment, args);
        LiveDisplay bar = LiveDisplay.show(ProgressHtml.bar(training));
        while (!training.finished()) {
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                Training cancelled = training.cancel();
                bar.update(ProgressHtml.bar(cancelled));
                return cancelled;
            }
            training = training.refresh();
            bar.update(ProgressHtml.bar(training));
        }
        bar.update(ProgressHtml.summary(training));
        return training;
    }

    public List<Training> trainings() {
        List<Training> out = new ArrayList<>();
        http.get("/api/v1/trainings").forEach(t -> out.add(new Training(http, t)));
        return out;
    }

    public InferenceServices inference() {
        return new InferenceServices(http);
    }

    /** {@code platform.inference()}: create, list, get, invoke and delete inference services. */
    public static final class InferenceServices {
        private final PlatformHttp http;

        InferenceServices(PlatformHttp http) {
            this.http = http;
        }

        /** Serves a catalog module (or an allowed image, if {@code moduleOrImage} contains ':' or '/'). */
        public InferenceService deploy(String name, String moduleOrImage, Resources resources) {
            return create(name, moduleOrImage, resources, null);
        }

        /** As {@link #deploy} on a given backend: "local" or "oscar". */
        public InferenceService create(String name, String moduleOrImage, Resources resources, String backend) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put(moduleOrImage.contains(":") || moduleOrImage.contains("/") ? "image" : "module", moduleOrImage);
            if (resources != null) {
                body.put("resources", resources);
            }
            if (backend != null) {
                body.put("backend", backend);
            }
            return new InferenceService(http, http.post("/api/v1/inference", body));
        }

        public List<InferenceService> list() {
            List<InferenceService> out = new ArrayList<>();
            http.get("/api/v1/inference").forEach(s -> out.add(new InferenceService(http, s)));
            return out;
        }

        public InferenceService get(String name) {
            return new InferenceService(http, http.get("/api/v1/inference/" + name));
        }

        public void delete(String name) {
            http.delete("/api/v1/inference/" + name);
        }

        public List<String> backends() {
            List<String> out = new ArrayList<>();
            http.get("/api/v1/inference/backends").path("backends").forEach(b -> out.add(b.asText()));
            return out;
        }
    }

}
