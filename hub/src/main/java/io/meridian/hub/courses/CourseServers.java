package io.meridian.hub.courses;

import io.meridian.hub.servers.ServerLifecycle;
import io.meridian.hub.servers.ServerRow;
import io.meridian.hub.servers.ServerState;
import io.meridian.hub.servers.ServerStore;
import io.meridian.hub.users.User;
import io.meridian.hub.users.UserStore;
import io.meridian.hub.web.ApiException;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.Function;

/**
 * Students' course servers: each is the student's named server called like the course. Starts and stops for
 * a whole class run as a {@link CourseJob}, a few at a time (the hub's concurrent spawn limit), retrying
 * when the hub is busy.
 */
public final class CourseServers implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(CourseServers.class.getName());
    /** Jobs kept in memory; older finished ones are read from the database when asked for. */
    private static final int KEPT_JOBS = 100;

    private final ServerLifecycle lifecycle;
    private final ServerStore servers;
    private final UserStore users;
    private final CourseJobStore jobStore;
    private final int parallel;
    private final Duration wait;
    private final Clock clock;
    private final Map<String, CourseJob> jobs = new LinkedHashMap<>();
    private final Set<Thread> workers = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * @param parallel how many starts a job runs at once
     * @param wait     how long a job waits for one server to become ready or stopped
     */
    public CourseServers(ServerLifecycle lifecycle, ServerStore servers, UserStore users, CourseJobStore jobStore,
                         int parallel, Duration wait, Clock clock) {
        this.lifecycle = lifecycle;
        this.servers = servers;
        this.users = users;
        this.jobStore = jobStore;
        this.parallel = Math.max(1, parallel);
        this.wait = wait;
        this.clock = clock;
    }

    /** Starts one member's course server; the answer is the hub's: DONE (ready) or PENDING (follow the progress). */
    public ServerLifecycle.Outcome start(User user, Course course) {
        ServerRow row = servers.find(user.name(), course.name())
                .orElseGet(() -> servers.create(user.id(), course.name(), course.title()));
        return lifecycle.start(user, row, Map.of());
    }

    public Optional<ServerRow> server(String user, Course course) {
        return servers.find(user, course.name());
    }

    /** Starts ({@code start}) or stops the course servers of {@code students} in the background. */
    public CourseJob launch(Course course, List<String> students, boolean start, String requestedBy) {
        CourseJob job = new CourseJob(UUID.randomUUID().toString(), course.name(), start ? "start" : "stop",
                requestedBy, clock.instant(), students);
        jobStore.insert(job, course.id());
        keep(job);
        run(job, course, students, start);
        return job;
    }

    /**
     * Takes up the jobs a stopped hub left unfinished, once its servers are re-adopted: the students that had
     * not reached a final state go through the job again (a server that became ready meanwhile simply counts as
     * ready); a cancelled job's remaining students are marked cancelled.
     *
     * @param courses the course of each job, by name
     */
    public void resume(Function<String, Optional<Course>> courses) {
        for (CourseJob job : jobStore.unfinished()) {
            keep(job);
            List<String> left = job.unfinishedStudents();
            Optional<Course> course = courses.apply(job.course());
            if (job.cancelled() || course.isEmpty() || left.isEmpty()) {
                left.forEach(student -> job.set(student, "cancelled", "the job was cancelled before this student's turn"));
                job.finish(clock.instant());
                continue;
            }
            LOG.log(Level.INFO, "taking up course job " + job.id() + " (" + job.action() + " " + job.course() + ") for "
                    + left.size() + " student(s) a stopped hub had not finished");
            run(job, course.get(), left, job.action().equals("start"));
        }
    }

    private void keep(CourseJob job) {
        job.onChange(jobStore::save);
        synchronized (jobs) {
            jobs.put(job.id(), job);
            if (jobs.size() > KEPT_JOBS) {
                // finished jobs beyond the newest ones are still answered, from the database
                jobs.values().stream().filter(CourseJob::done).findFirst().ifPresent(old -> jobs.remove(old.id()));
            }
        }
    }

    private void run(CourseJob job, Course course, List<String> students, boolean start) {
        Semaphore slots = new Semaphore(parallel);
        Thread.ofVirtual().name("course-job-" + course.name()).start(() -> {
            List<Thread> started = new ArrayList<>();
            for (String student : students) {
                started.add(Thread.ofVirtual().start(() -> {
                    workers.add(Thread.currentThread());
                    try {
                        slots.acquire();
                        try {
                            if (job.cancelled()) {
                                job.set(student, "cancelled", "the job was cancelled before this student's turn");
                            } else if (start) {
                                startOne(job, course, student);
                            } else {
                                stopOne(job, course, student);
                            }
                        } finally {
                            slots.release();
                        }
                    } catch (InterruptedException e) {
                        // the hub is stopping: the student's state stays as it is, for the next hub to take up
                    } catch (RuntimeException e) {
                        if (!closed) {
                            LOG.log(Level.WARNING, "course job " + job.id() + " for " + student + " failed", e);
                        }
                        job.set(student, "failed", e instanceof ApiException ? e.getMessage() : "internal error; see the hub log");
                    } finally {
                        workers.remove(Thread.currentThread());
                    }
                }));
            }
            for (Thread worker : started) {
                try {
                    worker.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (!closed) {
                job.finish(clock.instant());
            }
        });
    }

    /** Ends the jobs' waiting; servers already starting or stopping carry on under the hub's lifecycle. */
    @Override
    public void close() {
        closed = true;
        workers.forEach(Thread::interrupt);
    }

    public Optional<CourseJob> job(String course, String id) {
        synchronized (jobs) {
            CourseJob kept = jobs.get(id);
            if (kept != null) {
                return Optional.of(kept).filter(j -> j.course().equals(course));
            }
        }
        return jobStore.find(course, id);
    }

    /** The course's jobs that have not finished yet. */
    public List<CourseJob> running(String course) {
        synchronized (jobs) {
            return jobs.values().stream().filter(j -> j.course().equals(course) && !j.done()).toList();
        }
    }

    /** The members among {@code users} whose course server is starting, running or stopping. */
    public List<String> active(Course course, List<String> users) {
        return users.stream().filter(u -> servers.find(u, course.name()).map(r -> r.state().active()).orElse(false)).toList();
    }

    /**
     * Stops these users' course servers (keeping them, and their homes, as the users' named servers) and
     * waits for them; the answer is who is still not stopped after the job wait.
     */
    public List<String> stopAndWait(Course course, List<String> users) throws InterruptedException {
        for (String user : users) {
            Optional<ServerRow> row = servers.find(user, course.name());
            if (row.isPresent() && row.get().state() != ServerState.STOPPED && row.get().state() != ServerState.PENDING_STOP) {
                try {
                    lifecycle.stop(row.get(), false);
                } catch (ApiException changedMeanwhile) {
                    LOG.log(Level.INFO, "stopping " + user + "'s " + course.name() + ": " + changedMeanwhile.getMessage());
                }
            }
        }
        Instant deadline = Instant.now().plus(wait);
        List<String> left = active(course, users);
        while (!left.isEmpty() && Instant.now().isBefore(deadline)) {
            Thread.sleep(300);
            left = active(course, left);
        }
        return left;
    }

    private void startOne(CourseJob job, Course course, String student) throws InterruptedException {
        User user = users.require(student);
        Instant deadline = Instant.now().plus(wait);
        while (true) {
            ServerRow row = servers.find(student, course.name())
                    .orElseGet(() -> servers.create(user.id(), course.name(), course.title()));
            if (row.state() == ServerState.READY) {
                job.set(student, "ready", "running at " + row.baseUrl());
                return;
            }
            if (row.state() == ServerState.STOPPED) {
                if (job.cancelled()) {
                    job.set(student, "cancelled", "the job was cancelled before this student's server started");
                    return;
                }
                try {
                    job.set(student, "starting", "");
                    lifecycle.start(user, row, Map.of());
                } catch (ApiException e) {
                    if (e.status() != 429 || Instant.now().isAfter(deadline)) {
                        job.set(student, "failed", e.getMessage());
                        return;
                    }
                    Thread.sleep(1000);
                    continue;
                }
                break;
            }
            if (Instant.now().isAfter(deadline)) {
                job.set(student, "failed", "the server was still " + row.state().db() + " after " + wait.toSeconds() + " s");
                return;
            }
            Thread.sleep(500);
        }
        settle(job, course, student, deadline, ServerState.READY);
    }

    private void stopOne(CourseJob job, Course course, String student) throws InterruptedException {
        Optional<ServerRow> row = servers.find(student, course.name());
        if (row.isEmpty() || row.get().state() == ServerState.STOPPED) {
            job.set(student, "stopped", "was not running");
            return;
        }
        job.set(student, "stopping", "");
        lifecycle.stop(row.get(), false);
        settle(job, course, student, Instant.now().plus(wait), ServerState.STOPPED);
    }

    // Follows the server row until it reaches the wanted state; a start that ends stopped failed.
    private void settle(CourseJob job, Course course, String student, Instant deadline, ServerState wanted)
            throws InterruptedException {
        while (Instant.now().isBefore(deadline)) {
            Optional<ServerRow> row = servers.find(student, course.name());
            ServerState state = row.map(ServerRow::state).orElse(ServerState.STOPPED);
            if (state == ServerState.READY && wanted == ServerState.READY) {
                job.set(student, "ready", "running at " + row.get().baseUrl());
                return;
            }
            if (state == ServerState.STOPPED) {
                if (wanted == ServerState.STOPPED) {
                    job.set(student, "stopped", "");
                } else {
                    job.set(student, "failed", row.map(ServerRow::message).orElse("the server stopped"));
                }
                return;
            }
            Thread.sleep(300);
        }
        job.set(student, "failed", "no " + wanted.db() + " state within " + wait.toSeconds() + " s");
    }
}
