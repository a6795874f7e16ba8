package io.meridian.spawner.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Statistics;
import io.meridian.spawner.ProgressEvent;
import io.meridian.spawner.SpawnRequest;
import io.meridian.spawner.SpawnedServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Spawn-to-ready times of the Docker spawner with the notebook image present, and the pull rate from a local
 * registry. Run with bench/docker/run.sh; results go to docs/performance.md by hand.
 */
public final class DockerSpawnBenchmark {

    private static final int SINGLE_RUNS = 5;
    private static final int CONCURRENT = 10;
    private static final int CONCURRENT_ROUNDS = 3;
    private static final int PULL_MEGABYTES = 200;
    // its own label and network, so a benchmark and the integration tests never remove each other's servers
    private static final String HUB = "meridian-bench";
    private static final String NETWORK = "meridian-bench-net";

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("meridian-bench");
        DockerClient docker = DockerTestSupport.client(DockerSpawnerConfig.DEFAULT_DOCKER_HOST);
        DockerTestSupport.removeEverythingOf(docker, HUB, NETWORK);
        try (DockerSpawner spawner = new DockerSpawner(DockerSpawnerIT.config(NETWORK, HUB).withStateDir(work))) {
            List<Double> single = new ArrayList<>();
            for (int i = 0; i < SINGLE_RUNS; i++) {
                single.addAll(round(spawner, docker, 1, "single" + i + "-"));
            }
            List<Double> concurrent = new ArrayList<>();
            List<Double> allReady = new ArrayList<>();
            for (int i = 0; i < CONCURRENT_ROUNDS; i++) {
                List<Double> times = round(spawner, docker, CONCURRENT, "crowd" + i + "-");
                concurrent.addAll(times);
                allReady.add(Collections.max(times));
            }
            System.out.printf("docker spawn-to-ready, 1 server:   p50 %.2f s, max %.2f s (%d runs)%n",
                    p50(single), Collections.max(single), single.size());
            System.out.printf("docker spawn-to-ready, %d at once: p50 %.2f s per server, all ready after p50 %.2f s,"
                    + " max %.2f s (%d rounds)%n", CONCURRENT, p50(concurrent), p50(allReady),
                    Collections.max(allReady), CONCURRENT_ROUNDS);
            System.out.printf("CPU used by a server's container by then: p50 %.2f s (%d servers)%n",
                    p50(CPU_SECONDS), CPU_SECONDS.size());

            try (LocalRegistry registry = LocalRegistry.start(work)) {
                String image = registry.pushFreshImage(docker, "meridian/base:trixie", "meridian/bench", PULL_MEGABYTES);
                List<ProgressEvent> events = new CopyOnWriteArrayList<>();
                long began = System.nanoTime();
                spawner.pull(image, events::add);
                double seconds = (System.nanoTime() - began) / 1e9;
                System.out.printf("pull from a local registry (loopback): %d MB fresh layer in %.2f s = %.0f MB/s,"
                        + " %d progress events%n", PULL_MEGABYTES, seconds, PULL_MEGABYTES / seconds, events.size());
                docker.removeImageCmd(image).exec();
            }
        } finally {
            DockerTestSupport.removeEverythingOf(docker, HUB, NETWORK);
        }
    }

    /**
     * CPU seconds each container had used shortly after its server answered (read before stopping it): what a
     * spawn costs, whatever else loads the machine.
     */
    private static final List<Double> CPU_SECONDS = new CopyOnWriteArrayList<>();

    /** Starts {@code count} servers at once; returns each one's spawn-to-ready seconds, then stops them. */
    private static List<Double> round(DockerSpawner spawner, DockerClient docker, int count, String prefix)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        List<Future<SpawnedServer>> starts = new ArrayList<>();
        List<Double> seconds = new CopyOnWriteArrayList<>();
        for (int i = 0; i < count; i++) {
            SpawnRequest request = DockerSpawnerIT.request(prefix + i, "", Map.of("profile", "small"));
            starts.add(pool.submit(() -> {
                long began = System.nanoTime();
                SpawnedServer server = spawner.start(request, e -> { });
                seconds.add((System.nanoTime() - began) / 1e9);
                return server;
            }));
        }
        try {
            List<Future<?>> stops = new ArrayList<>();
            for (Future<SpawnedServer> start : starts) {
                SpawnedServer server = start.get(180, TimeUnit.SECONDS);
                stops.add(pool.submit(() -> {
                    CPU_SECONDS.add(cpuSeconds(docker, server.state().get(DockerSpawner.CONTAINER_ID)));
                    spawner.stop(server.state(), true);
                    return null;
                }));
            }
            for (Future<?> stop : stops) {
                stop.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        return new ArrayList<>(seconds);
    }

    private static double cpuSeconds(DockerClient docker, String containerId) throws InterruptedException {
        CompletableFuture<Statistics> stats = new CompletableFuture<>();
        docker.statsCmd(containerId).withNoStream(true).exec(new ResultCallback.Adapter<Statistics>() {
            @Override
            public void onNext(Statistics statistics) {
                stats.complete(statistics);
            }
        }).awaitCompletion(30, TimeUnit.SECONDS);
        return stats.getNow(null).getCpuStats().getCpuUsage().getTotalUsage() / 1e9;
    }

    private static double p50(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
