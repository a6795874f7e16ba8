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
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Course API calls with bodies that are not JSON (roster CSVs, zip and multipart uploads), and the bodies built from text files. */
public final class CourseCalls {
    private CourseCalls() {
    }

    public static Response send(TestHub hub, String method, String path, String token, String contentType, byte[] body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(hub.url(path))).timeout(Duration.ofSeconds(120))
                .header("Authorization", "token " + token)
                .header("Content-Type", contentType)
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body)).build();
        try {
            HttpResponse<String> response = hub.http().send(request, HttpResponse.BodyHandlers.ofString());
            return hub.checked(new Response(response.statusCode(), response.body(), response));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A part of a multipart form: a field ({@code filename} null) or a file. */
    record FormPart(String name, String filename, byte[] content) {
        static FormPart field(String name, String value) {
            return new FormPart(name, null, value.getBytes(StandardCharsets.UTF_8));
        }

        static FormPart file(String filename, String content) {
            return new FormPart("files", filename, content.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A multipart/form-data body laid out as browsers send it (RFC 7578), with {@code boundary}. */
    static byte[] multipart(String boundary, List<FormPart> parts) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (FormPart part : parts) {
            String disposition = "form-data; name=\"" + part.name() + "\""
                    + (part.filename() == null ? "" : "; filename=\"" + part.filename() + "\"");
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: " + disposition + "\r\n"
                    + (part.filename() == null ? "" : "Content-Type: application/octet-stream\r\n") + "\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            body.writeBytes(part.content());
            body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return body.toByteArray();
    }

    static Response form(TestHub hub, String method, String path, String token, List<FormPart> parts) {
        String boundary = "----MeridianTestBoundary7MA4YWxkTrZu0gW";
        return send(hub, method, path, token, "multipart/form-data; boundary=" + boundary, multipart(boundary, parts));
    }

    public static Response csv(TestHub hub, String course, String token, String query, String csv) {
        return send(hub, "POST", "/api/v1/courses/" + course + "/roster" + query, token, "text/csv",
                csv.getBytes(StandardCharsets.UTF_8));
    }

    public static Response upload(TestHub hub, String course, String token, String query, Map<String, String> files) {
        return send(hub, "POST", "/api/v1/courses/" + course + "/assignments" + query, token, "application/zip", zip(files));
    }

    public static byte[] zip(Map<String, String> files) {
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
