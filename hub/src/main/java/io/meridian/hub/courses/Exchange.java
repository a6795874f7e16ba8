package io.meridian.hub.courses;

import io.meridian.spawner.FileTrees;
import io.meridian.hub.users.User;
import io.meridian.hub.web.ApiException;
import io.meridian.hub.web.Json;
import io.meridian.spawner.HomeEntry;
import io.meridian.spawner.HomeFiles;
import io.meridian.spawner.SpawnException;
import io.meridian.spawner.Spawner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.Function;

/**
 * The hub's own exchange of course files, which works with per-user containers because the hub moves every
 * file itself through the spawner's {@link HomeFiles}: assignments from the hub's store into students' homes,
 * submissions from students' homes into the hub's store, and from there into the instructor's home.
 *
 * <p>In a home: {@code courses/<course>/<assignment>/} (handed out, submitted from, {@code feedback/} inside),
 * {@code courses/<course>/collected/<assignment>/<student>/} and {@code courses/<course>/feedback/<assignment>/<student>/}
 * for instructors. In the hub's data folder: {@code courses/<course>/assignments/<assignment>/} and
 * {@code courses/<course>/submissions/<id>/}.
 */
public final class Exchange {
    static final String FEEDBACK = "feedback";
    // Jupyter's own copies of saved notebooks are not the student's work
    private static final String CHECKPOINTS = ".ipynb_checkpoints/";
    private static final int PARALLEL = 8;

    private final Spawner spawner;
    private final CourseStore store;
    private final Path root;
    private final long maxSubmissionBytes;
    private final Clock clock;

    public Exchange(Spawner spawner, CourseStore store, Path root, long maxSubmissionBytes, Clock clock) {
        this.spawner = spawner;
        this.store = store;
        this.root = root;
        this.maxSubmissionBytes = maxSubmissionBytes;
        this.clock = clock;
    }

    /** The hub-side folder of a course's shared data when instructors upload it. */
    public Path uploadedData(Course course) {
        return root.resolve(course.name()).resolve("data");
    }

    /**
     * Removes everything the hub keeps of a course: assignment files, submissions, uploaded data. Students' and
     * instructors' homes are theirs and are not touched; neither is a data folder an admin named.
     */
    public void deleteCourse(Course course) {
        deleteQuietly(root.resolve(course.name()));
    }

    /** Replaces the hub-side shared data with {@code files}. */
    public void replaceData(Course course, Map<String, byte[]> files) {
        Path dir = uploadedData(course);
        deleteQuietly(dir);
        writeFiles(dir, files);
    }

    /** Adds or replaces files in the hub's copy of an assignment. */
    public void storeAssignment(Course course, Assignment assignment, Map<String, byte[]> files) {
        writeFiles(assignmentDir(course, assignment), files);
    }

    /** The files of the hub's copy, by path. */
    public Map<String, byte[]> assignmentFiles(Course course, Assignment assignment) {
        return readFiles(assignmentDir(course, assignment));
    }

    /** What one student got: the files copied and those skipped because the student already had them. */
    public record Delivery(List<String> copied, List<String> skipped, String error) {
    }

    /** Copies the assignment into each student's home without overwriting anything they have. */
    public Map<String, Delivery> distribute(Course course, Assignment assignment, List<Member> students) {
        Map<String, byte[]> files = assignmentFiles(course, assignment);
        if (files.isEmpty()) {
            throw ApiException.badRequest("assignment " + assignment.name() + " has no files to distribute; upload them first");
        }
        String dir = studentDir(course, assignment);
        return forEach(students, Member::username, student -> {
            List<String> copied = home(student.username(), course).writeTree(dir, files, false);
            List<String> skipped = files.keySet().stream().filter(f -> !copied.contains(f)).sorted().toList();
            store.markDistributed(assignment.id(), student.userId(), clock.instant());
            return new Delivery(copied, skipped, null);
        }, error -> new Delivery(List.of(), List.of(), error));
    }

    /** Snapshots the student's assignment folder (without its feedback and Jupyter checkpoints) into the submission store. */
    public Submission submit(Course course, Assignment assignment, User student) {
        List<HomeEntry> entries;
        try {
            entries = home(student.name(), course).readTree(studentDir(course, assignment), maxSubmissionBytes);
        } catch (HomeFiles.TooLarge e) {
            throw new ApiException(413, "your submission is too large: " + e.getMessage());
        } catch (SpawnException e) {
            throw new ApiException(502, "your files cannot be read: " + e.getMessage());
        }
        Map<String, byte[]> files = new TreeMap<>();
        long bytes = 0;
        for (HomeEntry entry : entries) {
            if (!entry.path().startsWith(FEEDBACK + "/") && !entry.path().contains(CHECKPOINTS)) {
                files.put(entry.path(), entry.content());
                bytes += entry.content().length;
            }
        }
        if (files.isEmpty()) {
            throw ApiException.badRequest("nothing to submit: ~/" + studentDir(course, assignment) + " is empty or missing");
        }
        Submission submission = store.addSubmission(assignment.id(), student.id(), clock.instant(), files.size(), bytes);
        writeFiles(submissionDir(course, submission), files);
        return submission;
    }

    /** One student's collected submission. */
    public record Collected(String student, Instant submittedAt, boolean late, int files, String error) {
    }

    /**
     * Copies each student's latest submission into the instructor's home, replacing what an earlier collect put
     * there for that student, and writes {@code manifest.json} next to them.
     */
    public List<Collected> collect(Course course, Assignment assignment, User instructor) {
        List<Submission> latest = new ArrayList<>(store.latest(assignment.id()).values());
        HomeFiles home = home(instructor.name(), course);
        String base = "courses/" + course.name() + "/collected/" + assignment.name();
        // one home: copied one student after the other, so the helper containers do not race on the same folders
        List<Collected> collected = new ArrayList<>();
        for (Submission s : latest) {
            boolean late = assignment.late(s.submittedAt());
            try {
                Map<String, byte[]> files = readFiles(submissionDir(course, s));
                home.deleteTree(base + "/" + s.username());
                home.writeTree(base + "/" + s.username(), files, true);
                collected.add(new Collected(s.username(), s.submittedAt(), late, files.size(), null));
            } catch (SpawnException e) {
                collected.add(new Collected(s.username(), s.submittedAt(), late, 0, e.getMessage()));
            }
        }
        List<Map<String, Object>> manifest = new ArrayList<>();
        for (Collected c : collected) {
            if (c.error() == null) {
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("student", c.student());
                line.put("submitted_at", Json.time(c.submittedAt()));
                line.put("late", c.late());
                line.put("files", c.files());
                manifest.add(line);
            }
        }
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("course", course.name());
        document.put("assignment", assignment.name());
        document.put("due", Json.time(assignment.due()));
        document.put("collected_at", Json.time(clock.instant()));
        document.put("submissions", manifest);
        try {
            home.writeTree(base, Map.of("manifest.json", Json.write(document).getBytes(StandardCharsets.UTF_8)), true);
        } catch (SpawnException e) {
            throw new ApiException(502, "the submissions were copied but the manifest could not be written: " + e.getMessage());
        }
        return collected;
    }

    /** Returns each student's feedback folder from the instructor's home into the student's assignment folder. */
    public Map<String, Delivery> returnFeedback(Course course, Assignment assignment, User instructor, List<Member> students) {
        HomeFiles instructorHome = home(instructor.name(), course);
        String target = studentDir(course, assignment) + "/" + FEEDBACK;
        return forEach(students, Member::username, student -> {
            List<HomeEntry> entries = instructorHome.readTree("courses/" + course.name() + "/" + FEEDBACK + "/"
                    + assignment.name() + "/" + student.username(), maxSubmissionBytes);
            if (entries.isEmpty()) {
                return new Delivery(List.of(), List.of(), null);
            }
            Map<String, byte[]> files = new TreeMap<>();
            entries.forEach(e -> files.put(e.path(), e.content()));
            List<String> copied = home(student.username(), course).writeTree(target, files, true);
            store.markFeedback(assignment.id(), student.userId(), clock.instant());
            return new Delivery(copied, List.of(), null);
        }, error -> new Delivery(List.of(), List.of(), error));
    }

    static String studentDir(Course course, Assignment assignment) {
        return "courses/" + course.name() + "/" + assignment.name();
    }

    private HomeFiles home(String user, Course course) {
        return spawner.homeFiles(user, course.name());
    }

    private Path assignmentDir(Course course, Assignment assignment) {
        return root.resolve(course.name()).resolve("assignments").resolve(assignment.name());
    }

    private Path submissionDir(Course course, Submission submission) {
        return root.resolve(course.name()).resolve("submissions").resolve(Long.toString(submission.id()));
    }

    private interface HomeWork<T, R> {
        R run(T item) throws SpawnException;
    }

    // Students' homes are independent: a few at a time, each failure reported for its student only.
    private static <T, R> Map<String, R> forEach(List<T> items, Function<T, String> name, HomeWork<T, R> work,
                                                 Function<String, R> failed) {
        Semaphore slots = new Semaphore(PARALLEL);
        Map<String, Future<R>> futures = new LinkedHashMap<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (T item : items) {
                futures.put(name.apply(item), pool.submit(() -> {
                    slots.acquire();
                    try {
                        return work.run(item);
                    } catch (SpawnException e) {
                        return failed.apply(e.getMessage());
                    } finally {
                        slots.release();
                    }
                }));
            }
        }
        Map<String, R> results = new TreeMap<>();
        futures.forEach((key, future) -> {
            try {
                results.put(key, future.get());
            } catch (Exception e) {
                results.put(key, failed.apply("internal error: " + e.getMessage()));
            }
        });
        return results;
    }

    private static void writeFiles(Path dir, Map<String, byte[]> files) {
        try {
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                Path target = dir.resolve(HomeFiles.checkPath(file.getKey())).normalize();
                if (!target.startsWith(dir)) {
                    throw ApiException.badRequest("bad file name: " + file.getKey());
                }
                Files.createDirectories(target.getParent());
                Files.write(target, file.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, byte[]> readFiles(Path dir) {
        Map<String, byte[]> files = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return files;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    if (attrs.isRegularFile()) {
                        files.put(dir.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    private static void deleteQuietly(Path dir) {
        try {
            FileTrees.delete(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
