package io.meridian.oscar;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/** An input or output of a service: a path in a storage provider such as {@code minio.default}. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record StorageIO(@JsonProperty("storage_provider") String storageProvider, String path,
                        List<String> prefix, List<String> suffix) {

    public static StorageIO of(String storageProvider, String path) {
        return new StorageIO(storageProvider, path, null, null);
    }
}
