package io.meridian.platform.deploy;

import com.fasterxml.jackson.annotation.JsonProperty;

/** CPUs, memory (MB) and GPUs for a deployment, e.g. {@code Resources.of(1, 2048, 0)}. */
public record Resources(int cpu, @JsonProperty("memory_mb") long memoryMb, int gpu) {
    public static Resources of(int cpu, long memoryMb, int gpu) {
        return new Resources(cpu, memoryMb, gpu);
    }
}
