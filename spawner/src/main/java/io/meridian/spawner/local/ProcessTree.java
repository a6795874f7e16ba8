package io.meridian.spawner.local;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A server process identified by pid and start time, so that a recycled pid is never mistaken for it,
 * and the ending of it together with everything it started (kernels, terminals).
 */
record ProcessTree(long pid, long startedAtMillis) {

    /** The running process with this pid and start time, if there is one. */
    Optional<ProcessHandle> find() {
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(handle -> startMillis(handle) == startedAtMillis);
    }

    boolean alive() {
        return find().isPresent();
    }

    /**
     * Asks the process to stop (SIGTERM, so Jupyter shuts its kernels down itself), waits up to {@code grace},
     * then kills whatever of the tree is left. The descendants are listed before the signal because a
     * dying server's kernels are re-parented and would no longer show up as its descendants afterwards.
     */
    void terminate(Duration grace) {
        Optional<ProcessHandle> root = find();
        if (root.isEmpty()) {
            return;
        }
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(root.get());
        root.get().descendants().forEach(tree::add);
        root.get().destroy();
        awaitGone(tree, grace);
        for (ProcessHandle process : tree) {
            // ProcessHandle remembers the start time, so a pid reused meanwhile is not hit
            if (process.isAlive()) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }
        awaitGone(tree, Duration.ofSeconds(5));
    }

    /** Waits until every process has ended or {@code limit} has passed; an interrupt ends the wait early. */
    private static void awaitGone(List<ProcessHandle> processes, Duration limit) {
        Instant deadline = Instant.now().plus(limit);
        while (Instant.now().isBefore(deadline) && processes.stream().anyMatch(ProcessHandle::isAlive)) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    static long startMillis(ProcessHandle handle) {
        return handle.info().startInstant().map(Instant::toEpochMilli).orElse(-1L);
    }
}
