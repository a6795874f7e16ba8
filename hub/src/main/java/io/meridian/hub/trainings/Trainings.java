package io.meridian.hub.trainings;

import io.meridian.deepaas.client.CancelOutcome;
import io.meridian.deepaas.client.DeepaasClient;
import io.meridian.deepaas.client.DeepaasException;
import io.meridian.deepaas.client.ModelInfo;
import io.meridian.deepaas.client.Training;
import io.meridian.hub.db.Database;
import io.meridian.hub.deployments.Deployment;
import io.meridian.hub.deployments.Deployments;
import io.meridian.hub.web.ApiException;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Trainings on deployments: started through the DEEPaaS train call, then polled in the background so
 * their status, progress and metrics are in the hub's database even when nobody asks (and after a hub
 * restart). A deployment that ends during a training ends the training as {@code error}.
 */
public final class Trainings implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Trainings.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();

    private final TrainingStore store;
    private final Deployments deployments;
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "training-poller");
        t.setDaemon(true);
        return t;
    });

    public Trainings(Database db, Deployments deployments) {
        this.store = new TrainingStore(db);
        this.deployments = deployments;
    }

    public void startPolling(Duration interval) {
        poller.scheduleWithFixedDelay(this::pollQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts a training of {@code model} (the deployment's first model when null) with {@code args}. */
    public TrainingRecord start(String owner, String deploymentId, String model, Map<String, Object> args) {
        Deployment deployment = deployments.get(owner, deploymentId);
        DeepaasClient client = deployments.client(deployment);
        String name = model;
        Training started;
        try {
            if (name == null) {
                List<ModelInfo> models = client.models();
                if (models.isEmpty()) {
                    throw ApiException.conflict("deployment " + deploymentId + " serves no model");
                }
                name = models.getFirst().name();
            }
            started = client.startTraining(name, args);
        } catch (DeepaasException e) {
            throw fromDeepaas("starting the training", e);
        }
        TrainingRecord training = new TrainingRecord(HexFormat.of().formatHex(bytes()), owner, deploymentId, name,
                started.uuid(), args, TrainingRecord.RUNNING, started.progress(), started.metrics(), null, null,
                Instant.now(), null);
        store.insert(training);
        record(training, started);
        return store.find(training.id()).orElseThrow();
    }

    public List<TrainingRecord> list(String owner, Optional<String> deployment) {
        return store.byOwner(owner).stream().filter(t -> deployment.map(t.deployment()::equals).orElse(true)).toList();
    }

    public TrainingRecord get(String owner, String id) {
        return store.find(id).filter(t -> t.owner().equals(owner))
                .orElseThrow(() -> ApiException.notFound("no training '" + shown(id) + "'"));
    }

    /** Cancels a running training; a finished one is a 409 that says how it ended. */
    public TrainingRecord cancel(String owner, String id) {
        TrainingRecord t = get(owner, id);
        if (t.finished()) {
            throw ApiException.conflict("training " + id + " has already ended: " + t.status());
        }
        Optional<Deployment> deployment = deployments.find(t.deployment()).filter(Deployment::running);
        if (deployment.isPresent()) {
            try {
                CancelOutcome outcome = deployments.client(deployment.get()).cancelTraining(t.model(), t.remoteUuid());
                if (!outcome.confirmed()) {
                    throw new ApiException(502, "the deployment did not confirm the cancel: " + outcome.message());
                }
            } catch (DeepaasException e) {
                if (e.status() != 404) {
                    throw fromDeepaas("cancelling the training", e);
                }
            }
        }
        store.update(id, TrainingRecord.CANCELLED, t.progress(), t.metrics(), null, "cancelled by " + owner);
        return store.find(id).orElseThrow();
    }

    /** The output of a done training; 409 while it runs or when it ended otherwise. */
    public TrainingRecord result(String owner, String id) {
        TrainingRecord t = get(owner, id);
        if (!TrainingRecord.DONE.equals(t.status())) {
            throw ApiException.conflict("training " + id + " has no result: it is " + t.status()
                    + (t.message() == null ? "" : " (" + t.message() + ")"));
        }
        return t;
    }

    /** One round of the poller: every running training is brought up to date. */
    public void poll() {
        for (TrainingRecord t : store.running()) {
            try {
                poll(t);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "polling training " + t.id() + " failed: " + e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }

    private void poll(TrainingRecord t) {
        Optional<Deployment> found = deployments.find(t.deployment());
        if (found.isEmpty()) {
            fail(t, "the deployment " + t.deployment() + " was deleted during the training");
            return;
        }
        Deployment deployment = deployments.refresh(found.get());
        if (!deployment.running()) {
            fail(t, "the deployment " + t.deployment() + " stopped during the training: " + deployment.message());
            return;
        }
        Training remote;
        try {
            remote = deployments.client(deployment).training(t.model(), t.remoteUuid());
        } catch (DeepaasException e) {
            if (e.status() == 404) {
                fail(t, "the deployment no longer knows this training (was its container restarted?)");
                return;
            }
            if (e.status() == DeepaasException.NO_ANSWER) {
                // perhaps the container is dying: the next round's container check tells
                Deployment now = deployments.refresh(deployment);
                if (!now.running()) {
                    fail(t, "the deployment " + t.deployment() + " stopped during the training: " + now.message());
                }
                return;
            }
            throw e;
        }
        record(t, remote);
    }

    private void record(TrainingRecord t, Training remote) {
        String status = switch (remote.status() == null ? "" : remote.status()) {
            case Training.DONE -> TrainingRecord.DONE;
            case Training.ERROR -> TrainingRecord.ERROR;
            case Training.CANCELLED -> TrainingRecord.CANCELLED;
            default -> TrainingRecord.RUNNING;
        };
        Double progress = TrainingRecord.DONE.equals(status) ? Double.valueOf(1.0) : remote.progress();
        store.update(t.id(), status, progress != null ? progress : t.progress(),
                remote.metrics() != null ? remote.metrics() : t.metrics(),
                remote.result() == null ? null : remote.result().output(),
                TrainingRecord.ERROR.equals(status) ? remote.message() : null);
    }

    private void fail(TrainingRecord t, String message) {
        LOG.log(System.Logger.Level.INFO, "Training " + t.id() + " of " + t.owner() + " failed: " + message);
        store.update(t.id(), TrainingRecord.ERROR, t.progress(), t.metrics(), null, message);
    }

    private void pollQuietly() {
        try {
            poll();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "training poll failed: " + e.getMessage());
        }
    }

    private static ApiException fromDeepaas(String what, DeepaasException e) {
        if (e.status() == 422 || e.status() == 400) {
            return ApiException.badRequest(what + ": the module refused the arguments: "
                    + (e.fieldErrors().isEmpty() ? e.getMessage() : e.fieldErrors().toString()));
        }
        if (e.status() == 404) {
            return ApiException.notFound(what + ": " + e.getMessage());
        }
        return new ApiException(502, what + " failed: " + e.getMessage());
    }

    private static byte[] bytes() {
        byte[] b = new byte[6];
        RANDOM.nextBytes(b);
        return b;
    }

    private static String shown(String s) {
        return s == null ? "" : s.length() > 60 ? s.substring(0, 60) + "..." : s.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
