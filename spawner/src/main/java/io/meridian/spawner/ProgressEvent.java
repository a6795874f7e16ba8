package io.meridian.spawner;

import java.util.Map;

/**
 * One step of a spawn, as JupyterHub's progress stream carries it.
 *
 * @param progress percentage 0..100
 * @param message  human readable, e.g. "Pulling layer 3/7: 120 MB of 410 MB"
 * @param details  machine readable extras (bytes done/total, phase, expected seconds); may be empty
 */
public record ProgressEvent(int progress, String message, Map<String, Object> details) {
    public ProgressEvent {
        if (progress < 0 || progress > 100) {
            throw new IllegalArgumentException("progress must be 0..100: " + progress);
        }
        details = Map.copyOf(details);
    }

    public static ProgressEvent of(int progress, String message) {
        return new ProgressEvent(progress, message, Map.of());
    }
}
