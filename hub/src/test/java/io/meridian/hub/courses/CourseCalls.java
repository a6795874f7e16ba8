package io.meridian.hub.courses;

import io.meridian.hub.TestHub;
import io.meridian.hub.TestHub.Response;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Course API calls with bodies that are not JSON (roster CSVs, zip uploads), and zips built from text files. */
final class CourseCalls {
    private CourseCalls() {
    }

    static Response send(TestHub hub, String method, String path, String token, String contentType, byte[] body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(hub.url(path))).timeout(Duration.ofSeconds(120))
                .header("Authorization", "token " + token)
                .header("Content-Type", contentType)
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body)).build();
        try {
            HttpResponse<String> response = hub.http().send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body(), response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Response csv(TestHub hub, String course, String token, String query, String csv) {
        return send(hub, "POST", "/api/v1/courses/" + course + "/roster" + query, token, "text/csv",
                csv.getBytes(StandardCharsets.UTF_8));
    }

    static Response upload(TestHub hub, String course, String token, String query, Map<String, String> files) {
        return send(hub, "POST", "/api/v1/courses/" + course + "/assignments" + query, token, "application/zip", zip(files));
    }

    static byte[] zip(Map<String, String> files) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, String> file : files.entrySet()) {
                zip.putNextEntry(new ZipEntry(file.getKey()));
                zip.write(file.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A one-cell notebook whose code cell holds {@code source}. */
    static String notebook(String source) {
        return """
                {"cells": [{"cell_type": "code", "execution_count": null, "id": "c1", "metadata": {}, "outputs": [],
                  "source": "%s"}],
                 "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
                """.formatted(source);
    }
}
