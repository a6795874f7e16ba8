package io.meridian.spawner.docker;

import com.github.dockerjava.api.model.PullResponseItem;
import com.github.dockerjava.api.model.ResponseItem;
import io.meridian.spawner.ProgressEvent;
import io.meridian.spawner.ProgressListener;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns Docker's per-layer pull messages into progress events: bytes done and total over all layers
 * seen so far, at most one event per {@link #MIN_INTERVAL_NANOS} unless a layer starts or finishes.
 * Pull progress spans 0..{@link #MAX_PERCENT} of the spawn's progress bar.
 */
final class PullProgress {

    static final int MAX_PERCENT = 40;
    private static final long MIN_INTERVAL_NANOS = 250_000_000L;

    private final String image;
    private final ProgressListener listener;
    private final Map<String, Layer> layers = new LinkedHashMap<>();
    private long lastEventNanos;

    private static final class Layer {
        long done;
        long total;
        boolean finished;
    }

    PullProgress(String image, ProgressListener listener) {
        this.image = image;
        this.listener = listener;
    }

    synchronized void onItem(PullResponseItem item) {
        String id = item.getId();
        String status = item.getStatus() == null ? "" : item.getStatus();
        if (id == null || status.startsWith("Pulling from")) {
            return;
        }
        Layer layer = layers.computeIfAbsent(id, k -> new Layer());
        ResponseItem.ProgressDetail detail = item.getProgressDetail();
        boolean finishedNow = false;
        boolean firstBytes = false;
        if (status.equals("Downloading") && detail != null) {
            firstBytes = layer.done == 0;
            if (detail.getTotal() != null && detail.getTotal() > 0) {
                layer.total = detail.getTotal();
            }
            if (detail.getCurrent() != null) {
                layer.done = detail.getCurrent();
            }
        } else if (status.equals("Download complete") || status.equals("Pull complete")
                || status.equals("Already exists")) {
            layer.done = Math.max(layer.done, layer.total);
            finishedNow = !layer.finished;
            layer.finished = true;
        }
        long now = System.nanoTime();
        // a layer's first bytes and its end always show, so even a fast pull reports every layer
        if (!finishedNow && !firstBytes && now - lastEventNanos < MIN_INTERVAL_NANOS) {
            return;
        }
        lastEventNanos = now;
        listener.onProgress(event(id, status));
    }

    private ProgressEvent event(String layerId, String status) {
        long done = layers.values().stream().mapToLong(l -> l.done).sum();
        long total = layers.values().stream().mapToLong(l -> l.total).sum();
        long finished = layers.values().stream().filter(l -> l.finished).count();
        int percent = total > 0 ? (int) (MAX_PERCENT * Math.min(1.0, (double) done / total))
                : (int) (MAX_PERCENT * finished / Math.max(1, layers.size()));
        String message = "Pulling " + image + ": " + mb(done) + " of " + (total > 0 ? mb(total) : "? MB")
                + " (" + finished + "/" + layers.size() + " layers done; layer " + layerId + " " + status.toLowerCase() + ")";
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("phase", "pull");
        details.put("image", image);
        details.put("layer", layerId);
        details.put("bytesDone", done);
        details.put("bytesTotal", total);
        details.put("layersDone", finished);
        details.put("layers", (long) layers.size());
        return new ProgressEvent(percent, message, details);
    }

    private static String mb(long bytes) {
        return String.format("%.1f MB", bytes / 1e6);
    }
}
