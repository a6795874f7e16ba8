package io.meridian.hub.courses;

import io.meridian.hub.web.Json;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Starting or stopping many students' course servers, followed student by student. States of a student:
 * queued, starting, ready, stopping, stopped, failed (with a message), cancelled (the job was cancelled before
 * the student's turn). Every change is written to the database ({@link CourseJobStore}); a restarted hub
 * re-adopts the servers and then takes up the students of unfinished jobs that had not reached a final state.
 */
public final class CourseJob {
    /** One student's part of the job. */
    public record StudentState(String state, String message) {
        /** ready, stopped, failed and cancelled end a student's part; queued, starting and stopping do not. */
        boolean isFinal() {
            return FINAL_STATES.contains(state);
        }
    }

    private static final Set<String> FINAL_STATES = Set.of("ready", "stopped", "failed", "cancelled");

    private final String id;
    private final String course;
    private final String action;
    private final String requestedBy;
    private final Instant started;
    private final Map<String, StudentState> students = new ConcurrentHashMap<>();
    private volatile Instant finished;
    private volatile boolean cancelled;
    private Consumer<CourseJob> changed = job -> {
    };

    CourseJob(String id, String course, String action, String requestedBy, Instant started, Iterable<String> students) {
        this.id = id;
        this.course = course;
        this.action = action;
        this.requestedBy = requestedBy;
        this.started = started;
        students.forEach(s -> this.students.put(s, new StudentState("queued", "")));
    }

    /** A job as the database kept it. */
    static CourseJob restore(String id, String course, String action, String requestedBy, Instant started,
                             Instant finished, boolean cancelled, Map<String, StudentState> students) {
        CourseJob job = new CourseJob(id, course, action, requestedBy, started, students.keySet());
        job.students.putAll(students);
        job.finished = finished;
        job.cancelled = cancelled;
        return job;
    }

    /** Called, under this job's lock, after every change: the store writes it. */
    synchronized void onChange(Consumer<CourseJob> listener) {
        this.changed = listener;
    }

    synchronized void set(String student, String state, String message) {
        students.put(student, new StudentState(state, message == null ? "" : message));
        changed.accept(this);
    }

    synchronized void finish(Instant when) {
        finished = when;
        changed.accept(this);
    }

    /** Students whose turn has not come are skipped; false when the job had already finished. */
    synchronized boolean cancel() {
        if (finished != null) {
            return false;
        }
        cancelled = true;
        changed.accept(this);
        return true;
    }

    /** The students whose part has not reached a final state (all of them for a new job). */
    List<String> unfinishedStudents() {
        return students.entrySet().stream().filter(e -> !e.getValue().isFinal()).map(Map.Entry::getKey).sorted().toList();
    }

    Map<String, StudentState> students() {
        return new TreeMap<>(students);
    }

    String action() {
        return action;
    }

    String requestedBy() {
        return requestedBy;
    }

    Instant started() {
        return started;
    }

    Instant finished() {
        return finished;
    }

    boolean cancelled() {
        return cancelled;
    }

    boolean done() {
        return finished != null;
    }

    public String id() {
        return id;
    }

    public String course() {
        return course;
    }

    /** The JSON body of {@code GET /api/v1/courses/{c}/jobs/{id}}. */
    public Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", id);
        view.put("course", course);
        view.put("action", action);
        view.put("requestedBy", requestedBy);
        view.put("started", Json.time(started));
        view.put("finished", Json.time(finished));
        view.put("done", finished != null);
        view.put("cancelled", cancelled);
        Map<String, Integer> counts = new TreeMap<>();
        Map<String, Object> byStudent = new TreeMap<>();
        students.forEach((student, state) -> {
            counts.merge(state.state(), 1, Integer::sum);
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("state", state.state());
            s.put("message", state.message());
            byStudent.put(student, s);
        });
        view.put("counts", counts);
        view.put("students", byStudent);
        return view;
    }
}
