package io.meridian.hub.catalog;

import com.fasterxml.jackson.annotation.JsonProperty;

/** CPUs, memory and GPUs for one container. */
public record Resources(int cpu, @JsonProperty("memory_mb") long memoryMb, int gpu) {
    /** What a module gets when its metadata asks for nothing. */
    public static final Resources MODULE_DEFAULT = new Resources(1, 2048, 0);
    /** The quota of a user when the hub has no other quota for them. */
    public static final Resources DEFAULT_QUOTA = new Resources(4, 8192, 1);
}
