package io.meridian.hub.quotas;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.helidon.config.Config;
import io.meridian.hub.catalog.Resources;

import java.util.List;
import java.util.Map;

/**
 * What one user may hold; a null limit means none. Storage bytes bound the hub's own storage folder,
 * {@code servers} the servers running or starting at once, and {@code deployments}, {@code cpu},
 * {@code memoryMb} and {@code gpus} what the user's deployments hold together.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Quota(@JsonProperty("storage_bytes") Long storageBytes,
                    Integer servers,
                    Integer deployments,
                    Integer cpu,
                    @JsonProperty("memory_mb") Long memoryMb,
                    Integer gpus) {

    /** The fields as the API and the YAML file name them, in this order. */
    public static final List<String> FIELDS = List.of("storage_bytes", "servers", "deployments", "cpu", "memory_mb", "gpus");

    /** No limit at all. */
    public static final Quota UNLIMITED = new Quota(null, null, null, null, null, null);

    /**
     * Every user's quota unless an admin sets another: the YAML file's {@code quota:} section, with the older
     * deployment variables ({@code MERIDIAN_DEPLOY_QUOTA_CPU}, {@code _MEMORY_MB}, {@code _GPU},
     * {@code MERIDIAN_DEPLOY_MAX_PER_USER}) and {@code MERIDIAN_QUOTA_STORAGE_BYTES}, {@code MERIDIAN_QUOTA_SERVERS}
     * winning over it. Without either, deployments keep their old limits (3; 4 CPUs, 8192 MB, 1 GPU) and
     * storage and servers have none.
     */
    public static Quota defaults(Config yaml, Map<String, String> env) {
        Config q = yaml.get("quota");
        return new Quota(
                number(env, "MERIDIAN_QUOTA_STORAGE_BYTES", q.get("storage_bytes"), null),
                intOrNull(number(env, "MERIDIAN_QUOTA_SERVERS", q.get("servers"), null)),
                intOrNull(number(env, "MERIDIAN_DEPLOY_MAX_PER_USER", q.get("deployments"), 3L)),
                intOrNull(number(env, "MERIDIAN_DEPLOY_QUOTA_CPU", q.get("cpu"), 4L)),
                number(env, "MERIDIAN_DEPLOY_QUOTA_MEMORY_MB", q.get("memory_mb"), 8192L),
                intOrNull(number(env, "MERIDIAN_DEPLOY_QUOTA_GPU", q.get("gpus"), 1L)));
    }

    /** The deployment resources this quota allows, for clamping what a module asks for. */
    public Resources resources() {
        return new Resources(cpu == null ? Integer.MAX_VALUE : cpu, memoryMb == null ? Long.MAX_VALUE : memoryMb,
                gpus == null ? Integer.MAX_VALUE : gpus);
    }

    /**
     * A limit from the environment, else from YAML, else {@code fallback}; "none" (or YAML null) means no limit.
     * A bad value stops the hub from starting rather than leaving a user without the limit meant for them.
     */
    private static Long number(Map<String, String> env, String variable, Config yaml, Long fallback) {
        String value = env.get(variable);
        String where = variable;
        if (value == null || value.isBlank()) {
            if (!yaml.exists()) {
                return fallback;
            }
            value = yaml.asString().orElse("none");
            where = "quota." + yaml.name();
        }
        value = value.trim();
        if (value.equalsIgnoreCase("none")) {
            return null;
        }
        try {
            long n = Long.parseLong(value);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below with the setting's name
        }
        throw new IllegalArgumentException(where + " must be a whole number >= 0 or 'none', not '" + value + "'");
    }

    private static Integer intOrNull(Long value) {
        return value == null ? null : (int) Math.min(Integer.MAX_VALUE, value);
    }
}
