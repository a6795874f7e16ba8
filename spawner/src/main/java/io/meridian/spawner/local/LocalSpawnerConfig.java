package io.meridian.spawner.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Settings of the {@link LocalProcessSpawner}.
 *
 * @param jupyterCommand      the {@code jupyter} launcher; {@code jupyter lab} is used when {@code jupyter-lab} sits next to it
 * @param usersRoot           parent of the per-user working directories ({@code <usersRoot>/<user>}); they survive restarts
 * @param stateRoot           parent of the per-server state ({@code <stateRoot>/<user>/<server>/}: Jupyter config,
 *                            runtime and data dirs, the server log); kept apart from the user's files
 * @param jupyterPath         extra {@code JUPYTER_PATH} entries, e.g. the hub's data dir holding the Java kernelspec
 * @param extraEnvironment    environment added to every server (the request's own environment wins)
 * @param portRange           ports to pick from; {@link PortRange#ANY} lets the operating system pick a free one
 * @param defaultStartTimeout used when a request carries no start timeout
 * @param pollInterval        how often a starting server is probed for readiness
 * @param stopGracePeriod     how long a server may take to shut down after SIGTERM before its processes are killed
 */
public record LocalSpawnerConfig(Path jupyterCommand,
                                 Path usersRoot,
                                 Path stateRoot,
                                 List<Path> jupyterPath,
                                 Map<String, String> extraEnvironment,
                                 PortRange portRange,
                                 Duration defaultStartTimeout,
                                 Duration pollInterval,
                                 Duration stopGracePeriod) {

    public static final Path DEFAULT_JUPYTER = Path.of("/usr/bin/jupyter");

    public LocalSpawnerConfig {
        requireNonNull(jupyterCommand, "jupyterCommand");
        requireNonNull(usersRoot, "usersRoot");
        requireNonNull(stateRoot, "stateRoot");
        requireNonNull(portRange, "portRange");
        requirePositive(defaultStartTimeout, "defaultStartTimeout");
        requirePositive(pollInterval, "pollInterval");
        requirePositive(stopGracePeriod, "stopGracePeriod");
        usersRoot = usersRoot.toAbsolutePath().normalize();
        stateRoot = stateRoot.toAbsolutePath().normalize();
        jupyterPath = List.copyOf(jupyterPath);
        extraEnvironment = Map.copyOf(extraEnvironment);
    }

    /** Defaults for one machine: {@code /usr/bin/jupyter}, any free port, 60 s start timeout. */
    public static LocalSpawnerConfig defaults(Path usersRoot, Path stateRoot) {
        return new LocalSpawnerConfig(DEFAULT_JUPYTER, usersRoot, stateRoot, List.of(), Map.of(), PortRange.ANY,
                Duration.ofSeconds(60), Duration.ofMillis(200), Duration.ofSeconds(5));
    }

    public LocalSpawnerConfig withJupyterCommand(Path command) {
        return new LocalSpawnerConfig(command, usersRoot, stateRoot, jupyterPath, extraEnvironment, portRange,
                defaultStartTimeout, pollInterval, stopGracePeriod);
    }

    public LocalSpawnerConfig withJupyterPath(List<Path> paths) {
        return new LocalSpawnerConfig(jupyterCommand, usersRoot, stateRoot, paths, extraEnvironment, portRange,
                defaultStartTimeout, pollInterval, stopGracePeriod);
    }

    public LocalSpawnerConfig withPortRange(PortRange range) {
        return new LocalSpawnerConfig(jupyterCommand, usersRoot, stateRoot, jupyterPath, extraEnvironment, range,
                defaultStartTimeout, pollInterval, stopGracePeriod);
    }

    /**
     * Inclusive TCP port range for servers; {@code first == 0 && last == 0} means "any free port".
     */
    public record PortRange(int first, int last) {
        public static final PortRange ANY = new PortRange(0, 0);

        public PortRange {
            boolean any = first == 0 && last == 0;
            if (!any && (first < 1024 || last > 65535 || first > last)) {
                throw new IllegalArgumentException(
                        "port range must be 0-0 (any free port) or within 1024..65535 with first <= last: "
                                + first + "-" + last);
            }
        }

        public boolean any() {
            return first == 0 && last == 0;
        }
    }

    private static void requireNonNull(Object value, String name) {
        if (value == null) {
            throw new IllegalArgumentException("local spawner setting " + name + " is required");
        }
    }

    private static void requirePositive(Duration value, String name) {
        if (value == null || value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException("local spawner setting " + name + " must be a positive duration: " + value);
        }
    }
}
