package io.meridian.hub.courses;

import io.meridian.hub.web.Json;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Starting or stopping many students' course servers, followed student by student. States of a student:
 * queued, starting, ready, stopping, stopped, failed (with a message), cancelled (the job was cancelled before
 * the student's turn). Jobs live in the hub's memory only: a restarted hub has forgotten them (the servers
 * themselves are re-adopted).
 */
public final class CourseJob {
    /** One student's part of the job. */
    public record StudentState(String state, String message) {
    }

    private final String id;
    private final String course;
    private final String action;
    private final String requestedBy;
    private final Instant started;
    private final Map<String, StudentState> students = new ConcurrentHashMap<>();
    private volatile Instant finished;
    private volatile boolean cancelled;

    CourseJob(String id, String course, String action, String requestedBy, Instant started, Iterable<String> students) {
        this.id = id;
        this.course = course;
        this.action = action;
        this.requestedBy = requestedBy;
        this.started = started;
        students.forEach(s -> this.students.put(s, new StudentState("queued", "")));
    }

    void set(String student, String state, String message) {
        students.put(student, new StudentState(state, message == null ? "" : message));
    }

    void finish(Instant when) {
        finished = when;
    }

    /** Students whose turn has not come are skipped; false when the job had already finished. */
    synchronized boolean cancel() {
        if (finished != null) {
            return false;
        }
        cancelled = true;
        return true;
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
