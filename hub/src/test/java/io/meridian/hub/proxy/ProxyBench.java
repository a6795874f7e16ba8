package io.meridian.hub.proxy;

import io.helidon.webserver.WebServer;
import io.meridian.hub.web.HubListener;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Proxy overhead benchmark: the same Jupyter server reached directly and through {@link ProxyService}, in one
 * run, measurements interleaved so that load from other processes hits both sides alike. Run with
 * {@code bench/hub/proxy_bench}; prints a Markdown table.
 */
public final class ProxyBench {
    private static final String COOKIE = "meridian-session=bench";

    public static void main(String[] args) throws Exception {
        Map<String, Integer> options = options(args);
        int requests = options.getOrDefault("requests", 2000);
        int concurrency = options.getOrDefault("concurrency", 16);
        int seconds = options.getOrDefault("seconds", 3);
        int rounds = options.getOrDefault("rounds", 3);
        int executes = options.getOrDefault("executes", 300);
        int warmup = options.getOrDefault("warmup", 30);
        boolean pin = options.getOrDefault("pin", 0) == 1;
        // counted before pinning, which leaves this JVM one CPU
        int cpus = Runtime.getRuntime().availableProcessors();

        try (RunningJupyter jupyter = RunningJupyter.start(RunningJupyter.tempRoot(), "bench", "");
             ProxyService proxy = new ProxyService(gate(jupyter), ProxySettings.defaults())) {
            if (pin) {
                // As deployed, the hub and a user's server do not share a core: Jupyter (and its kernels) on CPU 0,
                // this JVM (client and proxy) on CPU 1, so the proxy's work does not come out of Jupyter's time.
                pin(jupyter.pid(), 0);
                pin(ProcessHandle.current().pid(), 1);
            }
            WebServer hub = HubListener.builder().port(0).host("127.0.0.1")
                    .routing(routing -> routing.register("/user", proxy))
                    .addRouting(proxy.webSocketRouting())
                    .build().start();
            try {
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                HttpRequest direct = HttpRequest.newBuilder(URI.create(jupyter.upstream() + "/user/bench/api/status"))
                        .header("Authorization", "token " + jupyter.token()).build();
                HttpRequest proxied = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + hub.port() + "/user/bench/api/status"))
                        .header("Cookie", COOKIE).build();

                // until the JIT has compiled the proxy's paths, the proxy spends most of its CPU in the compiler
                // (on two busy cores that takes half a minute): warm both sides under load before measuring
                for (long end = System.nanoTime() + Duration.ofSeconds(warmup).toNanos(); System.nanoTime() < end; ) {
                    throughput(direct, concurrency, 2);
                    throughput(proxied, concurrency, 2);
                }
                List<Long> directLatency = new ArrayList<>();
                List<Long> proxiedLatency = new ArrayList<>();
                for (int i = 0; i < requests / 4; i++) {
                    time(http, direct);
                    time(http, proxied);
                }
                for (int i = 0; i < requests; i++) {
                    directLatency.add(time(http, direct));
                    proxiedLatency.add(time(http, proxied));
                }

                Throughput directRate = new Throughput();
                Throughput proxiedRate = new Throughput();
                ProcessHandle self = ProcessHandle.current();
                ProcessHandle server = ProcessHandle.of(jupyter.pid()).orElseThrow();
                for (int round = 0; round < rounds; round++) {
                    directRate.measure(() -> throughput(direct, concurrency, seconds), self, server);
                    proxiedRate.measure(() -> throughput(proxied, concurrency, seconds), self, server);
                }

                String kernel = jupyter.startKernel();
                String channels = "/user/bench/api/kernels/" + kernel + "/channels";
                List<Long> directWs = new ArrayList<>();
                List<Long> proxiedWs = new ArrayList<>();
                try (KernelMessages viaServer = KernelMessages.connect(http,
                        URI.create("ws://127.0.0.1:" + jupyter.upstream().getPort() + channels),
                        Map.of("Authorization", "token " + jupyter.token()));
                     KernelMessages viaHub = KernelMessages.connect(http,
                             URI.create("ws://127.0.0.1:" + hub.port() + channels), Map.of("Cookie", COOKIE))) {
                    for (int i = 0; i < executes / 10; i++) {
                        viaServer.execute("1+1", Duration.ofSeconds(30));
                        viaHub.execute("1+1", Duration.ofSeconds(30));
                    }
                    for (int i = 0; i < executes; i++) {
                        long start = System.nanoTime();
                        viaServer.execute("1+1", Duration.ofSeconds(30));
                        directWs.add(System.nanoTime() - start);
                        start = System.nanoTime();
                        viaHub.execute("1+1", Duration.ofSeconds(30));
                        proxiedWs.add(System.nanoTime() - start);
                    }
                }

                System.out.printf("%n| measure | direct | through proxy | difference |%n|---|---|---|---|%n");
                row("GET api/status p50 (ms, 1 client, keep-alive)", percentile(directLatency, 0.50),
                        percentile(proxiedLatency, 0.50));
                row("GET api/status p99 (ms, 1 client, keep-alive)", percentile(directLatency, 0.99),
                        percentile(proxiedLatency, 0.99));
                System.out.printf("| GET api/status requests/s (%d clients) | %.0f | %.0f | %+.1f %% |%n", concurrency,
                        directRate.rate(), proxiedRate.rate(), 100.0 * (proxiedRate.rate() - directRate.rate()) / directRate.rate());
                System.out.printf("| CPU per request: this JVM (client; client + proxy) (us) | %.0f | %.0f | %+.0f us |%n",
                        directRate.jvmMicros(), proxiedRate.jvmMicros(), proxiedRate.jvmMicros() - directRate.jvmMicros());
                System.out.printf("| CPU per request: Jupyter server (us) | %.0f | %.0f | %+.0f us |%n",
                        directRate.serverMicros(), proxiedRate.serverMicros(),
                        proxiedRate.serverMicros() - directRate.serverMicros());
                row("kernel execute `1+1` round trip p50 (ms, WebSocket)", percentile(directWs, 0.50),
                        percentile(proxiedWs, 0.50));
                row("kernel execute `1+1` round trip p99 (ms, WebSocket)", percentile(directWs, 0.99),
                        percentile(proxiedWs, 0.99));
                System.out.printf("%n%d sequential requests per side, %d x %d s throughput rounds after %d s of warm-up, "
                        + "%d executes per side; %d CPUs%s%n", requests, rounds, seconds, warmup, executes,
                        cpus,
                        pin ? "; Jupyter pinned to CPU 0, client and proxy to CPU 1" : "");
            } finally {
                hub.stop();
            }
        }
    }

    /**
     * Requests per second over the throughput rounds of one side, and the CPU time that this JVM and the Jupyter
     * server spent per request meanwhile: on shared cores, every microsecond the proxy spends is taken from Jupyter.
     */
    private static final class Throughput {
        private double requests;
        private double seconds;
        private long jvmNanos;
        private long serverNanos;

        interface Round {
            int run() throws Exception;
        }

        void measure(Round round, ProcessHandle jvm, ProcessHandle server) throws Exception {
            long jvmBefore = cpuNanos(jvm);
            long serverBefore = cpuNanos(server);
            long start = System.nanoTime();
            int done = round.run();
            double elapsed = (System.nanoTime() - start) / 1e9;
            jvmNanos += cpuNanos(jvm) - jvmBefore;
            serverNanos += cpuNanos(server) - serverBefore;
            requests += done;
            seconds += elapsed;
        }

        double rate() {
            return requests / seconds;
        }

        double jvmMicros() {
            return jvmNanos / 1e3 / requests;
        }

        double serverMicros() {
            return serverNanos / 1e3 / requests;
        }

        private static long cpuNanos(ProcessHandle process) {
            return process.info().totalCpuDuration().orElseThrow().toNanos();
        }
    }

    private static void pin(long pid, int cpu) throws Exception {
        Process taskset = new ProcessBuilder("taskset", "-a", "-p", "-c", Integer.toString(cpu), Long.toString(pid))
                .redirectErrorStream(true).start();
        String out = new String(taskset.getInputStream().readAllBytes()).trim();
        if (taskset.waitFor() != 0) {
            throw new IllegalStateException("taskset failed for pid " + pid + ": " + out);
        }
    }

    private static TestPolicyGate gate(RunningJupyter jupyter) {
        TestPolicyGate gate = new TestPolicyGate(Set.of());
        gate.running("bench", "", jupyter.upstream(), jupyter.token());
        return gate;
    }

    private static long time(HttpClient http, HttpRequest request) throws Exception {
        long start = System.nanoTime();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        long elapsed = System.nanoTime() - start;
        if (response.statusCode() != 200) {
            throw new IllegalStateException(request.uri() + " answered " + response.statusCode());
        }
        return elapsed;
    }

    /**
     * Requests that {@code clients} keep-alive connections, one platform thread each, complete in {@code seconds}.
     * The connections open before the clock starts; the rounds measure requests, not handshakes.
     */
    private static int throughput(HttpRequest request, int clients, int seconds) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        List<KeepAliveClient> connections = new ArrayList<>();
        Map<String, String> headers = new LinkedHashMap<>();
        request.headers().map().forEach((name, values) -> headers.put(name, values.getFirst()));
        for (int c = 0; c < clients; c++) {
            connections.add(new KeepAliveClient(request.uri(), headers));
        }
        List<Future<Integer>> counts = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(clients)) {
            for (KeepAliveClient connection : connections) {
                counts.add(threads.submit(() -> {
                    int done = 0;
                    while (running.get()) {
                        connection.get();
                        done++;
                    }
                    return done;
                }));
            }
            Thread.sleep(Duration.ofSeconds(seconds));
            running.set(false);
            int total = 0;
            for (Future<Integer> count : counts) {
                total += count.get();
            }
            return total;
        } finally {
            for (KeepAliveClient connection : connections) {
                connection.close();
            }
        }
    }

    private static void row(String what, long directNanos, long proxiedNanos) {
        System.out.printf("| %s | %.2f | %.2f | %+.2f ms |%n", what, directNanos / 1e6, proxiedNanos / 1e6,
                (proxiedNanos - directNanos) / 1e6);
    }

    private static long percentile(List<Long> values, double fraction) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(fraction * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    private static Map<String, Integer> options(String[] args) {
        Map<String, Integer> options = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("usage: proxy_bench [--requests N] [--concurrency N] [--seconds N] "
                        + "[--rounds N] [--executes N] [--warmup SECONDS] [--pin 1]");
            }
            options.put(args[i].substring(2), Integer.parseInt(args[i + 1]));
        }
        return options;
    }
}
