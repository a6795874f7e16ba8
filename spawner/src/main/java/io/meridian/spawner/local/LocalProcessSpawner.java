package io.meridian.spawner.local;

import io.meridian.spawner.FileTrees;
import io.meridian.spawner.HomeFiles;
import io.meridian.spawner.Mount;
import io.meridian.spawner.ProgressEvent;
import io.meridian.spawner.ProgressListener;
import io.meridian.spawner.ServerStatus;
import io.meridian.spawner.SpawnException;
import io.meridian.spawner.SpawnRequest;
import io.meridian.spawner.SpawnedServer;
import io.meridian.spawner.Spawner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The embedded default spawner: one {@code jupyter server} (or {@code jupyter lab}) process per server on this machine,
 * bound to 127.0.0.1 and reachable only with the hub's server token.
 *
 * <p>Layout: every server of a user works in {@code <usersRoot>/<user>} (named servers share the home, as in
 * JupyterHub), which is never deleted. Each server has its own state directory
 * {@code <stateRoot>/<user>/<default|named-NAME>/} holding its Jupyter config (with the token, mode 0600),
 * runtime and data dirs and {@code server.log}, so servers neither collide nor see each other's kernels.
 *
 * <p>Servers are started in a new session ({@code setsid}) with output going to their log file, so they survive
 * the hub exiting, and a later hub re-adopts them through {@link #poll} using the persisted pid and start time.
 *
 * <p>Mounts become symbolic links in the home ({@code <home>/<target> -> <source>}). Read-only is not enforced:
 * every local server runs as the hub's own OS user, which may write wherever the hub may. Use Docker where
 * shared data must stay unchanged.
 */
public final class LocalProcessSpawner implements Spawner {

    /** State key of the server's process id (admins and benchmarks read it). */
    public static final String PID = "pid";
    static final String STARTED_AT = "processStartMillis";
    static final String PORT = "port";
    static final String BASE_URL = "baseUrl";
    static final String LOG_FILE = "log";
    static final String STATE_DIR = "stateDir";

    private static final Logger LOG = LoggerFactory.getLogger(LocalProcessSpawner.class);
    private static final Path SETSID = Path.of("/usr/bin/setsid");
    private static final int LOG_TAIL_LINES = 20;
    private static final int PORT_ATTEMPTS = 3;

    private final LocalSpawnerConfig config;
    private final HttpClient http;

    public LocalProcessSpawner(LocalSpawnerConfig config) {
        this.config = config;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .build();
    }

    @Override
    public String kind() {
        return "local";
    }

    @Override
    public SpawnedServer start(SpawnRequest request, ProgressListener progress) throws SpawnException {
        checkName(request.user(), "user");
        if (!request.serverName().isEmpty()) {
            checkName(request.serverName(), "server");
        }
        if (!request.baseUrl().startsWith("/") || !request.baseUrl().endsWith("/")) {
            throw new SpawnException("base URL must start and end with '/': " + request.baseUrl());
        }
        Path jupyter = config.jupyterCommand();
        if (!Files.isExecutable(jupyter)) {
            throw new SpawnException("Cannot start a Jupyter server: the Jupyter command " + jupyter
                    + " does not exist or is not executable. Install Jupyter Server (Debian: apt-get install jupyter-server)"
                    + " or point the local spawner's jupyter setting at it.");
        }
        Duration timeout = request.startTimeout() == null || request.startTimeout().isZero()
                ? config.defaultStartTimeout() : request.startTimeout();
        Instant deadline = Instant.now().plus(timeout);

        Path home = config.usersRoot().resolve(request.user());
        Path stateDir = config.stateRoot().resolve(request.user())
                .resolve(request.serverName().isEmpty() ? "default" : "named-" + request.serverName());
        ServerDirs dirs = prepareDirectories(home, stateDir);
        linkMounts(home, request.mounts());

        SpawnException lastPortFailure = null;
        for (int attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
            int port = pickPort();
            try {
                return launch(request, progress, dirs, port, timeout, deadline);
            } catch (PortTaken e) {
                // another process grabbed the port between our check and Jupyter's bind: pick another
                lastPortFailure = new SpawnException("Jupyter server could not bind port " + port + "; "
                        + "tried " + attempt + " ports. Last log lines:\n" + e.getMessage());
            }
        }
        throw lastPortFailure;
    }

    private SpawnedServer launch(SpawnRequest request, ProgressListener progress, ServerDirs dirs, int port,
                                 Duration timeout, Instant deadline) throws SpawnException, PortTaken {
        writeJupyterConfig(request, dirs, port);
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(SETSID)) {
            command.add(SETSID.toString());
        }
        command.add(config.jupyterCommand().toString());
        command.add(labInstalled() ? "lab" : "server");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dirs.home().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dirs.log().toFile()));
        builder.environment().clear();
        builder.environment().putAll(environment(request, dirs));

        Process process;
        try {
            appendToLog(dirs.log(), "---- meridian: starting " + String.join(" ", command) + " at " + Instant.now() + "\n");
            process = builder.start();
        } catch (IOException e) {
            throw new SpawnException("Cannot start the Jupyter server process " + config.jupyterCommand() + ": "
                    + e.getMessage(), e);
        }
        ProcessTree tree = new ProcessTree(process.pid(), ProcessTree.startMillis(process.toHandle()));
        progress.onProgress(new ProgressEvent(20, "Starting Jupyter server process (pid " + process.pid() + ")",
                Map.of("phase", "start", "pid", process.pid())));
        LOG.info("started Jupyter server for {}/{} pid {} port {}", request.user(), request.serverName(),
                process.pid(), port);

        URI url = URI.create("http://127.0.0.1:" + port);
        try {
            awaitReady(request, progress, dirs, port, timeout, deadline, process, url);
        } catch (SpawnException | PortTaken | RuntimeException e) {
            // whatever went wrong, leave no process behind
            tree.terminate(config.stopGracePeriod());
            throw e;
        }

        Map<String, String> state = new LinkedHashMap<>();
        state.put(PID, Long.toString(tree.pid()));
        state.put(STARTED_AT, Long.toString(tree.startedAtMillis()));
        state.put(PORT, Integer.toString(port));
        state.put(BASE_URL, request.baseUrl());
        state.put(LOG_FILE, dirs.log().toString());
        state.put(STATE_DIR, dirs.state().toString());
        return new SpawnedServer(url, state);
    }

    private void awaitReady(SpawnRequest request, ProgressListener progress, ServerDirs dirs, int port,
                            Duration timeout, Instant deadline, Process process, URI url)
            throws SpawnException, PortTaken {
        URI status = url.resolve(request.baseUrl() + "api/status");
        Instant started = Instant.now();
        Instant lastReport = Instant.EPOCH;
        while (true) {
            if (!process.isAlive()) {
                String tail = logTail(dirs.log());
                if (tail.contains("already in use") || tail.contains("Address in use")) {
                    throw new PortTaken(tail);
                }
                throw new SpawnException("The Jupyter server exited with code " + process.exitValue()
                        + " before it was ready. Last lines of its log " + dirs.log() + ":\n" + tail);
            }
            if (answers(status, request.serverToken())) {
                break;
            }
            Instant now = Instant.now();
            if (now.isAfter(deadline)) {
                throw new SpawnException("The Jupyter server did not answer on port " + port + " within "
                        + timeout.toSeconds() + " s and was stopped. Last lines of its log " + dirs.log() + ":\n"
                        + logTail(dirs.log()));
            }
            if (Duration.between(lastReport, now).toMillis() >= 1000) {
                lastReport = now;
                long elapsed = Duration.between(started, now).toSeconds();
                int percent = 30 + (int) Math.min(60, 60 * Duration.between(started, now).toMillis()
                        / Math.max(1, timeout.toMillis()));
                progress.onProgress(new ProgressEvent(percent,
                        "Waiting for HTTP on port " + port + " (" + elapsed + " s elapsed)",
                        Map.of("phase", "wait", "port", port, "elapsedSeconds", elapsed)));
            }
            sleep(config.pollInterval());
        }
        progress.onProgress(new ProgressEvent(95, "Jupyter server answers on port " + port,
                Map.of("phase", "http", "port", port)));
    }

    @Override
    public ServerStatus poll(Map<String, String> state) {
        Optional<ProcessTree> tree = treeOf(state);
        if (tree.isEmpty()) {
            return ServerStatus.stopped("no process recorded");
        }
        return tree.get().alive()
                ? ServerStatus.runningNow()
                : ServerStatus.stopped("process " + tree.get().pid() + " is gone");
    }

    @Override
    public void stop(Map<String, String> state, boolean removeData) throws SpawnException {
        treeOf(state).ifPresent(tree -> tree.terminate(config.stopGracePeriod()));
        if (removeData && state.containsKey(STATE_DIR)) {
            Path stateDir = Path.of(state.get(STATE_DIR)).toAbsolutePath().normalize();
            if (!stateDir.startsWith(config.stateRoot())) {
                throw new SpawnException("refusing to delete " + stateDir + ": it is outside " + config.stateRoot());
            }
            deleteTree(stateDir);
        }
    }

    private static Optional<ProcessTree> treeOf(Map<String, String> state) {
        try {
            return Optional.of(new ProcessTree(Long.parseLong(state.get(PID)), Long.parseLong(state.get(STARTED_AT))));
        } catch (NumberFormatException | NullPointerException e) {
            return Optional.empty();
        }
    }

    private boolean answers(URI status, String token) {
        HttpRequest probe = HttpRequest.newBuilder(status)
                .timeout(Duration.ofSeconds(2))
                .header("Authorization", "token " + token)
                .GET()
                .build();
        try {
            return http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private boolean labInstalled() {
        Path dir = config.jupyterCommand().toAbsolutePath().getParent();
        return dir != null && Files.isExecutable(dir.resolve("jupyter-lab"));
    }

    private Map<String, String> environment(SpawnRequest request, ServerDirs dirs) {
        // Start from a clean environment: the hub's own variables (database URL, secrets) must not reach users.
        Map<String, String> env = new HashMap<>();
        String hubPath = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        Path jupyterDir = config.jupyterCommand().toAbsolutePath().getParent();
        // the jupyter command's directory first, so kernels find the same Python as the server
        env.put("PATH", jupyterDir == null ? hubPath : jupyterDir + File.pathSeparator + hubPath);
        for (String name : List.of("LANG", "LC_ALL", "TZ", "TMPDIR")) {
            String value = System.getenv(name);
            if (value != null) {
                env.put(name, value);
            }
        }
        env.put("HOME", dirs.home().toString());
        env.put("USER", System.getProperty("user.name"));
        env.put("JUPYTER_CONFIG_DIR", dirs.config().toString());
        env.put("JUPYTER_RUNTIME_DIR", dirs.runtime().toString());
        env.put("JUPYTER_DATA_DIR", dirs.data().toString());
        env.put("IPYTHONDIR", dirs.state().resolve("ipython").toString());
        if (!config.jupyterPath().isEmpty()) {
            env.put("JUPYTER_PATH", config.jupyterPath().stream().map(Path::toString)
                    .collect(Collectors.joining(File.pathSeparator)));
        }
        env.putAll(config.extraEnvironment());
        env.putAll(request.environment());
        return env;
    }

    private void writeJupyterConfig(SpawnRequest request, ServerDirs dirs, int port) throws SpawnException {
        Map<String, Object> server = new LinkedHashMap<>();
        server.put("ip", "127.0.0.1");
        server.put("port", port);
        server.put("port_retries", 0);
        server.put("base_url", request.baseUrl());
        server.put("root_dir", dirs.home().toString());
        server.put("token", request.serverToken());
        server.put("password", "");
        server.put("open_browser", false);
        // the hub's proxy forwards with its own Host and X-Forwarded-* headers; auth is the server token
        server.put("allow_remote_access", true);
        server.put("trust_xheaders", true);
        // without effect unless the hub itself runs as root (containers, CI); then Jupyter would refuse to start
        server.put("allow_root", true);
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("ServerApp", server);
        // Jupyter Server 2 reads the token from its identity provider; 1.x from ServerApp
        file.put("IdentityProvider", Map.of("token", request.serverToken()));
        Path target = dirs.config().resolve("jupyter_server_config.json");
        try {
            Files.deleteIfExists(target);
            Files.createFile(target, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(target, Json.write(file), StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new SpawnException("Cannot write the Jupyter server config " + target + ": " + e.getMessage(), e);
        }
    }

    private static ServerDirs prepareDirectories(Path home, Path state) throws SpawnException {
        ServerDirs dirs = new ServerDirs(home, state);
        try {
            Files.createDirectories(home);
            for (Path dir : List.of(state, dirs.config(), dirs.runtime(), dirs.data())) {
                Files.createDirectories(dir);
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            }
        } catch (IOException e) {
            throw new SpawnException("Cannot create the server directories under " + home + " and " + state
                    + ": " + e.getMessage(), e);
        }
        return dirs;
    }

    private int pickPort() throws SpawnException {
        LocalSpawnerConfig.PortRange range = config.portRange();
        if (range.any()) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException e) {
                throw new SpawnException("No free TCP port on 127.0.0.1: " + e.getMessage(), e);
            }
        }
        for (int port = range.first(); port <= range.last(); port++) {
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException busy) {
                // in use: try the next one
            }
        }
        throw new SpawnException("No free port in the local spawner's range " + range.first() + "-" + range.last()
                + "; stop some servers or widen the range.");
    }

    @Override
    public HomeFiles homeFiles(String user, String serverName) {
        if (user == null || user.isEmpty() || user.equals(".") || user.equals("..") || user.contains("/") || user.contains("\0")) {
            throw new IllegalArgumentException("invalid user name for a local home: '" + user + "'");
        }
        return new LocalHomeFiles(config.usersRoot().resolve(user));
    }

    // A link already pointing at the source is kept; anything else in the way is an error, never deleted.
    private static void linkMounts(Path home, List<Mount> mounts) throws SpawnException {
        for (Mount mount : mounts) {
            Path link = home.resolve(mount.target());
            try {
                if (Files.isSymbolicLink(link)) {
                    if (Files.readSymbolicLink(link).equals(mount.source())) {
                        continue;
                    }
                    Files.delete(link);
                } else if (Files.exists(link)) {
                    throw new SpawnException("Cannot show " + mount.source() + " at ~/" + mount.target()
                            + ": a file or folder of that name is in the way; rename it and start again.");
                }
                Files.createDirectories(link.getParent());
                Files.createSymbolicLink(link, mount.source());
            } catch (IOException e) {
                throw new SpawnException("Cannot link " + mount.source() + " at ~/" + mount.target() + ": " + e.getMessage(), e);
            }
        }
    }

    private static void checkName(String name, String what) throws SpawnException {
        if (name == null || name.isEmpty() || name.equals(".") || name.equals("..")
                || name.contains("/") || name.contains("\0")) {
            throw new SpawnException("invalid " + what + " name for a local server: '" + name + "'");
        }
    }

    private static void appendToLog(Path log, String line) throws SpawnException {
        try {
            Files.writeString(log, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new SpawnException("Cannot write the server log " + log + ": " + e.getMessage(), e);
        }
    }

    /** The last lines of a log, read from its end so that a large log costs nothing. */
    static String logTail(Path log) {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long length = file.length();
            int size = (int) Math.min(length, 16 * 1024);
            byte[] bytes = new byte[size];
            file.seek(length - size);
            file.readFully(bytes);
            String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n");
            int from = Math.max(0, lines.length - LOG_TAIL_LINES);
            return String.join("\n", List.of(lines).subList(from, lines.length));
        } catch (IOException e) {
            return "(log " + log + " unreadable: " + e.getMessage() + ")";
        }
    }

    private static void deleteTree(Path root) throws SpawnException {
        try {
            FileTrees.delete(root);
        } catch (IOException e) {
            throw new SpawnException("Cannot delete the server data " + root + ": " + e.getMessage(), e);
        }
    }

    private static void sleep(Duration duration) throws SpawnException {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SpawnException("interrupted while waiting for the Jupyter server to start");
        }
    }

    /** Directories of one server. */
    private record ServerDirs(Path home, Path state) {
        Path config() {
            return state.resolve("config");
        }

        Path runtime() {
            return state.resolve("runtime");
        }

        Path data() {
            return state.resolve("data");
        }

        Path log() {
            return state.resolve("server.log");
        }
    }

    /** Jupyter could not bind the port it was given. */
    private static final class PortTaken extends Exception {
        PortTaken(String logTail) {
            super(logTail, null, false, false);
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
