package io.meridian.spawner.gpu;

/**
 * One GPU the spawner may hand out.
 *
 * @param id        what Docker's device request and {@code NVIDIA_VISIBLE_DEVICES} name it by: the UUID
 *                  ({@code GPU-8c3f...}) when known, else the index as text
 * @param index     position on the host, as nvidia-smi numbers it (or in the configured list)
 * @param name      model, e.g. {@code NVIDIA H100 80GB HBM3}; empty when configured by id only
 * @param memoryMiB total memory in MiB; 0 when unknown
 */
public record GpuDevice(String id, int index, String name, long memoryMiB) {
    public GpuDevice {
        if (id == null || id.isBlank() || id.contains(",")) {
            throw new IllegalArgumentException("a GPU id must be non-empty and contain no comma: '" + id + "'");
        }
    }
}
