package io.meridian.hub.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meridian.deepaas.client.DeepaasClient;
import io.meridian.deepaas.client.DeepaasException;
import io.meridian.deepaas.client.PredictRequest;
import io.meridian.deepaas.client.Prediction;
import io.meridian.hub.catalog.Catalog;
import io.meridian.hub.catalog.Resources;
import io.meridian.hub.db.Database;
import io.meridian.hub.deployments.Deployment;
import io.meridian.hub.deployments.DeploymentSettings.OscarSettings;
import io.meridian.hub.deployments.Deployments;
import io.meridian.hub.web.ApiException;
import io.meridian.hub.web.Json;
import io.meridian.hub.web.Names;
import io.meridian.oscar.OscarAuth;
import io.meridian.oscar.OscarClient;
import io.meridian.oscar.OscarException;
import io.meridian.oscar.Service;

import java.io.IOException;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Inference services: a model served for predictions, locally as a DEEPaaS deployment (the embedded
 * default) or on an OSCAR cluster when one is configured. The hub holds the OSCAR credential; users
 * only ever see their service names.
 */
public final class Inference {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** What an OSCAR service runs per invocation when the caller gives no script: the DEEPaaS CLI. */
    static final String DEFAULT_OSCAR_SCRIPT = "#!/bin/sh\ndeepaas-cli predict --files \"$INPUT_FILE_PATH\""
            + " --output \"$TMP_OUTPUT_DIR\"\n";

    private final InferenceStore store;
    private final Deployments deployments;
    private final Catalog catalog;
    private final OscarSettings oscarSettings;
    private final OscarClient oscar;

    public Inference(Database db, Deployments deployments, Catalog catalog, OscarSettings oscar) {
        this.store = new InferenceStore(db);
        this.deployments = deployments;
        this.catalog = catalog;
        this.oscarSettings = oscar;
        this.oscar = oscar == null ? null : OscarClient.connect(URI.create(oscar.url()),
                oscar.token() != null && !oscar.token().isBlank() ? OscarAuth.bearer(oscar.token())
                        : OscarAuth.basic(oscar.user(), oscar.password())).withTimeout(Duration.ofMinutes(5));
    }

    /** A request to create a service: where it runs, what it runs, and for OSCAR the script per invocation. */
    public record Request(String name, String backend, Deployments.Request deploy, String script) {
    }

    public List<String> backends() {
        return oscar == null ? List.of(InferenceService.LOCAL) : List.of(InferenceService.LOCAL, InferenceService.OSCAR);
    }

    public InferenceService create(String owner, Request request) {
        String name = request.name();
        if (name == null || name.isEmpty()) {
            throw ApiException.badRequest("'name' is required");
        }
        Names.server(name);
        String backend = request.backend() == null ? (oscar == null ? InferenceService.LOCAL : InferenceService.OSCAR)
                : request.backend();
        if (!backend.equals(InferenceService.LOCAL) && !backend.equals(InferenceService.OSCAR)) {
            throw ApiException.badRequest("backend must be 'local' or 'oscar'");
        }
        if (backend.equals(InferenceService.OSCAR) && oscar == null) {
            throw ApiException.conflict("no OSCAR cluster is configured on this hub (MERIDIAN_OSCAR_URL); use backend 'local'");
        }
        String id = HexFormat.of().formatHex(bytes());
        String image = image(request.deploy());
        String remote = backend.equals(InferenceService.OSCAR) ? "meridian-" + id : null;
        InferenceService service = new InferenceService(id, name, owner, backend, image, remote, null, null, Instant.now());
        if (!store.insert(service)) {
            throw ApiException.conflict("you already have an inference service named '" + name + "'");
        }
        try {
            if (backend.equals(InferenceService.LOCAL)) {
                Deployments.Request d = request.deploy();
                Deployment deployment = deployments.create(owner,
                        new Deployments.Request(d.module(), d.image(), d.port(), d.resources(), "inference"));
                store.setDeployment(id, deployment.id());
            } else {
                Resources r = request.deploy().resources() == null ? Resources.MODULE_DEFAULT : request.deploy().resources();
                oscarCall("creating the service", () -> {
                    oscar.createService(Service.of(remote, image, request.script() == null ? DEFAULT_OSCAR_SCRIPT
                            : request.script()).withResources(Integer.toString(r.cpu()), r.memoryMb() + "Mi", r.gpu() > 0));
                    return null;
                });
            }
        } catch (RuntimeException e) {
            store.delete(id);
            throw e;
        }
        return get(owner, name);
    }

    public List<InferenceService> list(String owner) {
        return store.byOwner(owner).stream().map(this::withDeployment).toList();
    }

    public InferenceService get(String owner, String name) {
        return withDeployment(find(owner, name));
    }

    public void delete(String owner, String name) {
        InferenceService s = find(owner, name);
        if (InferenceService.LOCAL.equals(s.backend())) {
            if (s.deploymentId() != null && deployments.find(s.deploymentId()).isPresent()) {
                deployments.delete(owner, s.deploymentId());
            }
        } else {
            try {
                oscarCall("deleting the service", () -> {
                    client().deleteService(s.remoteName());
                    return null;
                });
            } catch (ApiException e) {
                if (e.status() != 404) {
                    throw e;
                }
            }
        }
        store.delete(s.id());
    }

    /** Runs one prediction: a JSON object of arguments locally, the raw body on OSCAR. */
    public Prediction invoke(String owner, String name, byte[] body) {
        InferenceService s = find(owner, name);
        if (InferenceService.OSCAR.equals(s.backend())) {
            byte[] answer = oscarCall("invoking the service", () -> client().run(s.remoteName(), body));
            return new Prediction("application/octet-stream", answer);
        }
        Deployment d = deployments.find(s.deploymentId())
                .orElseThrow(() -> ApiException.conflict("the deployment of service '" + name + "' is gone; delete and"
                        + " create the service again"));
        Map<String, Object> args = args(body);
        DeepaasClient client = deployments.client(deployments.refresh(d));
        try {
            String model = client.models().getFirst().name();
            return client.predict(model, PredictRequest.json(args));
        } catch (DeepaasException e) {
            if (e.status() == 400 || e.status() == 422) {
                throw ApiException.badRequest("the model refused the input: "
                        + (e.fieldErrors().isEmpty() ? e.getMessage() : e.fieldErrors().toString()));
            }
            throw new ApiException(502, "the prediction failed: " + e.getMessage());
        }
    }

    private InferenceService find(String owner, String name) {
        return store.find(owner, name)
                .orElseThrow(() -> ApiException.notFound("no inference service '" + (name == null ? "" : Names.server(name)) + "'"));
    }

    private InferenceService withDeployment(InferenceService s) {
        return s.deploymentId() == null ? s : s.withDeployment(deployments.find(s.deploymentId()).orElse(null));
    }

    private String image(Deployments.Request d) {
        if (d.module() != null && !d.module().isBlank()) {
            String image = catalog.module(d.module()).image();
            if (image == null) {
                throw ApiException.conflict("module '" + d.module() + "' names no container image");
            }
            return image;
        }
        if (d.image() == null || d.image().isBlank()) {
            throw ApiException.badRequest("give either 'module' (a catalog module id) or 'image' (an allowed image)");
        }
        if (!deployments.settings().allows(d.image())) {
            throw ApiException.forbidden("image " + d.image() + " is not allowed here; use a catalog module or one of "
                    + deployments.settings().allowedImages());
        }
        return d.image();
    }

    private OscarClient client() {
        if (oscar == null) {
            throw ApiException.conflict("no OSCAR cluster is configured on this hub");
        }
        return oscar;
    }

    private <T> T oscarCall(String what, java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (OscarException e) {
            if (e.status() == OscarException.NO_ANSWER) {
                throw new ApiException(502, "the OSCAR cluster at " + oscarSettings.url() + " did not answer while "
                        + what + ": " + e.getMessage());
            }
            if (e.status() == 404) {
                throw ApiException.notFound("OSCAR has no such service: " + e.getMessage());
            }
            if (e.status() == 401 || e.status() == 403) {
                throw new ApiException(502, "the OSCAR cluster refused the hub's credential while " + what
                        + "; an admin must fix MERIDIAN_OSCAR_*");
            }
            throw new ApiException(502, "OSCAR failed " + what + " (HTTP " + e.status() + "): " + e.getMessage());
        }
    }

    private static Map<String, Object> args(byte[] body) {
        if (body.length == 0) {
            return Map.of();
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw ApiException.badRequest("the input of a local service must be a JSON object of predict arguments");
        }
        if (!(node instanceof ObjectNode)) {
            throw ApiException.badRequest("the input of a local service must be a JSON object of predict arguments");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> args = Json.MAPPER.convertValue(node, Map.class);
        return args;
    }

    private static byte[] bytes() {
        byte[] b = new byte[6];
        RANDOM.nextBytes(b);
        return b;
    }

    static Optional<String> text(JsonNode body, String field) {
        JsonNode v = body.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw ApiException.badRequest("'" + field + "' must be a string");
        }
        return Optional.of(v.asText());
    }
}
