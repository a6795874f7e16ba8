package io.meridian.hub.storage;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Space in a user's storage; {@code availableBytes} is null when there is no limit. */
public record StorageQuota(@JsonProperty("used_bytes") long usedBytes,
                           @JsonProperty("available_bytes") Long availableBytes) {
}
