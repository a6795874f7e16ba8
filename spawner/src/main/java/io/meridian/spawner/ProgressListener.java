package io.meridian.spawner;

/** Receives spawn progress as it happens. Must not block. */
@FunctionalInterface
public interface ProgressListener {
    void onProgress(ProgressEvent event);
}
