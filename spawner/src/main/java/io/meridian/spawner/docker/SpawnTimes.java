package io.meridian.spawner.docker;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How long recent spawns of each image took from container create to ready (pulls excluded), so
 * progress can say "about 4 s". Kept in memory and, when a state directory is configured, in
 * {@code docker-spawn-times.json} there, so a restarted hub still knows.
 */
final class SpawnTimes {

    static final String FILE = "docker-spawn-times.json";
    private static final int KEPT = 10;
    private static final Logger LOG = LoggerFactory.getLogger(SpawnTimes.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Map<String, List<Long>> millisByImage = new HashMap<>();

    SpawnTimes(Path stateDir) {
        this.file = stateDir == null ? null : stateDir.resolve(FILE);
        if (file != null && Files.isRegularFile(file)) {
            try {
                millisByImage.putAll(JSON.readValue(file.toFile(), new TypeReference<Map<String, List<Long>>>() { }));
            } catch (IOException e) {
                // a damaged file only costs the estimates; spawning must not depend on it
                LOG.warn("Ignoring unreadable spawn times in {}: {}", file, e.getMessage());
            }
        }
    }

    /** The median of the recent spawn times of {@code image}, if any were recorded. */
    synchronized Optional<Duration> expected(String image) {
        List<Long> times = millisByImage.get(image);
        if (times == null || times.isEmpty()) {
            return Optional.empty();
        }
        List<Long> sorted = times.stream().sorted().toList();
        return Optional.of(Duration.ofMillis(sorted.get(sorted.size() / 2)));
    }

    synchronized void record(String image, Duration took) {
        List<Long> times = millisByImage.computeIfAbsent(image, i -> new ArrayList<>());
        times.add(took.toMillis());
        while (times.size() > KEPT) {
            times.remove(0);
        }
        save();
    }

    private void save() {
        if (file == null) {
            return;
        }
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), FILE, ".tmp");
            JSON.writeValue(tmp.toFile(), millisByImage);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("Could not save spawn times to {}: {}", file, e.getMessage());
        }
    }
}
