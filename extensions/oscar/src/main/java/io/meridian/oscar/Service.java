package io.meridian.oscar;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An OSCAR service definition (the JSON an FDL function becomes; types.Service in OSCAR's
 * spec). The fields Meridian sets are typed; every other field OSCAR returns (storage
 * providers, federation, KServe, ...) is kept in {@code other} and sent back on update, so a
 * read-modify-write does not lose it. {@code token} and {@code owner} are set by OSCAR.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(value = {"other"})
public record Service(String name,
                      @JsonProperty("cluster_id") String clusterId,
                      String image,
                      String script,
                      String cpu,
                      String memory,
                      @JsonProperty("enable_gpu") Boolean enableGpu,
                      @JsonProperty("log_level") String logLevel,
                      ServiceEnvironment environment,
                      List<StorageIO> input,
                      List<StorageIO> output,
                      String visibility,
                      @JsonProperty("allowed_users") List<String> allowedUsers,
                      String token,
                      String owner,
                      @JsonAnySetter Map<String, Object> other) {
    /** Kubernetes-style names (RFC 1123 label), at most 39 characters as OSCAR's spec allows. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,37}[a-z0-9])?");
    private static final Pattern CPU = Pattern.compile("\\d+(\\.\\d+)?m?");
    private static final Pattern MEMORY = Pattern.compile("\\d+(\\.\\d+)?(Ki|Mi|Gi|Ti|k|M|G|T)?");

    public Service {
        other = other == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(other));
    }

    /** A new service: name, image and the script run for each invocation (OSCAR requires the three). */
    public static Service of(String name, String image, String script) {
        return new Service(name, null, image, script, null, null, null, null, null, null, null, null, null, null,
                null, null);
    }

    public Service withResources(String cpu, String memory, boolean gpu) {
        return new Service(name, clusterId, image, script, cpu, memory, gpu, logLevel, environment, input, output,
                visibility, allowedUsers, token, owner, other);
    }

    public Service withEnvironment(ServiceEnvironment env) {
        return new Service(name, clusterId, image, script, cpu, memory, enableGpu, logLevel, env, input, output,
                visibility, allowedUsers, token, owner, other);
    }

    public Service withStorage(List<StorageIO> inputs, List<StorageIO> outputs) {
        return new Service(name, clusterId, image, script, cpu, memory, enableGpu, logLevel, environment, inputs,
                outputs, visibility, allowedUsers, token, owner, other);
    }

    public Service withLogLevel(String level) {
        return new Service(name, clusterId, image, script, cpu, memory, enableGpu, level, environment, input, output,
                visibility, allowedUsers, token, owner, other);
    }

    @JsonAnyGetter
    Map<String, Object> otherFields() {
        return other;
    }

    /** Throws an IllegalArgumentException naming the first field OSCAR would refuse. */
    public Service validate() {
        requireValidName(name);
        if (image == null || image.isBlank()) {
            throw new IllegalArgumentException("service '" + name + "' needs an image");
        }
        if (script == null || script.isBlank()) {
            throw new IllegalArgumentException("service '" + name + "' needs a script");
        }
        if (cpu != null && !CPU.matcher(cpu).matches()) {
            throw new IllegalArgumentException("cpu must be a Kubernetes CPU quantity such as \"1.0\" or \"500m\", not '"
                    + cpu + "'");
        }
        if (memory != null && !MEMORY.matcher(memory).matches()) {
            throw new IllegalArgumentException("memory must be a Kubernetes quantity such as \"256Mi\" or \"1Gi\", not '"
                    + memory + "'");
        }
        return this;
    }

    static String requireValidName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("OSCAR service names are 1 to 39 lowercase letters, digits and '-',"
                    + " starting and ending with a letter or digit: '" + name + "'");
        }
        return name;
    }

    @Override
    public String toString() {
        return "Service[name=" + name + ", image=" + image + ", cpu=" + cpu + ", memory=" + memory + ", gpu="
                + enableGpu + ", environment=" + environment + ", token=" + (token == null ? "none" : "***") + "]";
    }
}
