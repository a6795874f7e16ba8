package io.meridian.deepaas.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * The trainings of one model: started, listed, looked up and deleted by uuid. They run one at a
 * time on the server's training worker (as DEEPaaS with one worker does); a queued training
 * shows as {@code running} with a message saying it waits, as the real server shows it.
 */
final class Trainings {
    private static final System.Logger LOG = System.getLogger(Trainings.class.getName());
    private static final DateTimeFormatter PY_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    /** Life cycle of one training; {@link #wire()} gives the status string DEEPaaS uses. */
    enum State {
        QUEUED, RUNNING, DONE, ERROR, CANCELLED;

        String wire() {
            switch (this) {
                case DONE:
                    return "done";
                case ERROR:
                    return "error";
                case CANCELLED:
                    return "cancelled";
                default:
                    return "running";
            }
        }
    }

    private final DeepaasModel model;
    private final ExecutorService worker;
    private final Clock clock;
    private final Map<String, Run> runs = new LinkedHashMap<>();

    Trainings(DeepaasModel model, ExecutorService worker, Clock clock) {
        this.model = model;
        this.worker = worker;
        this.clock = clock;
    }

    synchronized Map<String, Object> start(Map<String, Object> args) {
        Run run = new Run(UUID.randomUUID().toString().replace("-", ""), LocalDateTime.now(clock), args);
        runs.put(run.uuid, run);
        run.future = worker.submit(run::execute);
        return run.view();
    }

    synchronized List<Map<String, Object>> list() {
        List<Map<String, Object>> views = new ArrayList<>();
        runs.values().forEach(r -> views.add(r.view()));
        return views;
    }

    synchronized Optional<Map<String, Object>> get(String uuid) {
        return Optional.ofNullable(runs.get(uuid)).map(Run::view);
    }

    /**
     * Removes a training from the list, as DEEPaaS's DELETE does; one that has not finished is
     * cancelled first (its worker thread interrupted) and reported as {@code cancelled}.
     */
    synchronized Optional<Map<String, Object>> delete(String uuid) {
        Run run = runs.remove(uuid);
        if (run == null) {
            return Optional.empty();
        }
        run.cancel();
        return Optional.of(run.view());
    }

    /** One training; its mutable fields are guarded by the Run's own lock. */
    private final class Run implements TrainingContext {
        private final String uuid;
        private final LocalDateTime date;
        private final Map<String, Object> args;
        private Future<?> future;
        private State state = State.QUEUED;
        private volatile boolean cancelRequested;
        private double progress;
        private Map<String, Double> metrics = Map.of();
        private String message;
        private Object output;
        private LocalDateTime finished;

        Run(String uuid, LocalDateTime date, Map<String, Object> args) {
            this.uuid = uuid;
            this.date = date;
            this.args = args;
        }

        @Override
        public String uuid() {
            return uuid;
        }

        @Override
        public boolean cancelled() {
            return cancelRequested;
        }

        @Override
        public void progress(double fraction, Map<String, Double> latest) {
            if (Double.isNaN(fraction)) {
                throw new IllegalArgumentException("progress must be a number between 0 and 1");
            }
            synchronized (this) {
                progress = Math.max(0, Math.min(1, fraction));
                metrics = latest == null ? Map.of() : Map.copyOf(latest);
            }
        }

        void execute() {
            synchronized (this) {
                if (cancelRequested) {
                    return;
                }
                state = State.RUNNING;
            }
            State end;
            String error = null;
            Object result = null;
            try {
                result = model.train(args, this).output();
                end = cancelRequested ? State.CANCELLED : State.DONE;
            } catch (Throwable t) {
                end = cancelRequested ? State.CANCELLED : State.ERROR;
                error = t.getMessage() != null ? t.getMessage() : t.getClass().getName();
                if (end == State.ERROR) {
                    LOG.log(System.Logger.Level.WARNING, "training " + uuid + " of " + model.metadata().name()
                            + " failed", t);
                }
            }
            synchronized (this) {
                finished = LocalDateTime.now(clock);
                state = end;
                if (end == State.DONE) {
                    output = result;
                    progress = 1;
                } else if (end == State.ERROR) {
                    message = error;
                }
            }
        }

        void cancel() {
            synchronized (this) {
                if (state != State.QUEUED && state != State.RUNNING) {
                    return;
                }
                cancelRequested = true;
                if (state == State.QUEUED) {
                    state = State.CANCELLED;
                    finished = LocalDateTime.now(clock);
                }
            }
            future.cancel(true);
        }

        synchronized Map<String, Object> view() {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("date", pythonDateTime(date));
            v.put("args", args);
            v.put("uuid", uuid);
            State shown = cancelRequested ? State.CANCELLED : state;
            v.put("status", shown.wire());
            if (shown == State.QUEUED) {
                v.put("message", "queued: waits for the model's earlier trainings to finish");
            } else if (shown == State.ERROR) {
                v.put("message", message);
            } else if (shown == State.DONE) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("output", output);
                r.put("finish_date", pythonDateTime(finished));
                r.put("duration", pythonDuration(Duration.between(date, finished)));
                v.put("result", r);
            }
            v.put("progress", progress);
            v.put("metrics", metrics);
            return v;
        }
    }

    /** Python's {@code str(datetime)}, which DEEPaaS puts in {@code date} and {@code finish_date}. */
    static String pythonDateTime(LocalDateTime t) {
        int micros = t.getNano() / 1000;
        String base = PY_DATE.format(t);
        return micros == 0 ? base : base + String.format(".%06d", micros);
    }

    /** Python's {@code str(timedelta)}, which DEEPaaS puts in {@code duration}: H:MM:SS.ffffff. */
    static String pythonDuration(Duration d) {
        long micros = d.toNanos() / 1000;
        long days = micros / 86_400_000_000L;
        long rest = micros % 86_400_000_000L;
        long h = rest / 3_600_000_000L;
        long m = rest / 60_000_000L % 60;
        long s = rest / 1_000_000L % 60;
        long us = rest % 1_000_000L;
        String clock = us == 0 ? String.format("%d:%02d:%02d", h, m, s) : String.format("%d:%02d:%02d.%06d", h, m, s, us);
        return days == 0 ? clock : days + (days == 1 ? " day, " : " days, ") + clock;
    }
}
