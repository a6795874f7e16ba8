package io.meridian.hub.quotas;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.meridian.hub.catalog.Resources;

/**
 * What a user holds now, in the units of {@link Quota}: bytes in their storage (null when the storage does not
 * say), servers running or starting, and their deployments with the resources these hold together.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record QuotaUsage(@JsonProperty("storage_bytes") Long storageBytes,
                         int servers,
                         int deployments,
                         int cpu,
                         @JsonProperty("memory_mb") long memoryMb,
                         int gpus) {

    public QuotaUsage(Long storageBytes, int servers, int deployments, Resources deployed) {
        this(storageBytes, servers, deployments, deployed.cpu(), deployed.memoryMb(), deployed.gpu());
    }
}
