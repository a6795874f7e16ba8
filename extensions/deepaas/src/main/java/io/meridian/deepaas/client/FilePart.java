package io.meridian.deepaas.client;

/** A file to upload with a predict request, in the form field {@code field}. */
public record FilePart(String field, String filename, String contentType, byte[] content) {
}
