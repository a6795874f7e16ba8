package io.meridian.deepaas.runtime;

import java.nio.charset.StandardCharsets;

/** A file sent in a multipart predict request: the form field it came in, its file name, type and bytes. */
public record UploadedFile(String field, String filename, String contentType, byte[] content) {

    public String text() {
        return new String(content, StandardCharsets.UTF_8);
    }
}
