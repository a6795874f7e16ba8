package io.meridian.hub.courses;

import io.meridian.hub.web.ApiException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A {@code multipart/form-data} body (RFC 7578) as browsers' forms and {@code curl -F} send it, read from
 * memory: the hub bounds the whole body before it gets here. Parts are numbered from 1 in errors, since a
 * part may have no usable name.
 */
final class Multipart {
    /** One part: a form field ({@code filename} null) or a file. */
    record Part(int number, String name, String filename, byte[] content) {
        String text() {
            return new String(content, StandardCharsets.UTF_8);
        }
    }

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] HEADER_END = {'\r', '\n', '\r', '\n'};
    private static final int MAX_HEADER_BYTES = 8192;

    private Multipart() {
    }

    static boolean is(String contentType) {
        return contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data");
    }

    /** The parts of {@code body}, whose boundary the {@code Content-Type} header names. */
    static List<Part> parse(String contentType, byte[] body) {
        String boundary = parameters(contentType).get("boundary");
        if (boundary == null || boundary.isEmpty() || boundary.length() > 70) {
            throw ApiException.badRequest("multipart/form-data needs a boundary parameter (1 to 70 characters)");
        }
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        int pos;
        if (startsWith(body, 0, delimiter)) {
            pos = delimiter.length;
        } else {
            int first = indexOf(body, concat(CRLF, delimiter), 0);
            if (first < 0) {
                throw ApiException.badRequest("the multipart body does not contain its boundary");
            }
            pos = first + CRLF.length + delimiter.length;
        }
        byte[] next = concat(CRLF, delimiter);
        List<Part> parts = new ArrayList<>();
        while (true) {
            if (startsWith(body, pos, new byte[]{'-', '-'})) {
                return parts;
            }
            int number = parts.size() + 1;
            pos = skipLinearWhitespace(body, pos);
            if (!startsWith(body, pos, CRLF)) {
                throw ApiException.badRequest("part " + number + ": the boundary line is malformed");
            }
            int headersStart = pos + CRLF.length;
            int headersEnd = startsWith(body, headersStart, CRLF) ? headersStart - 2 : indexOf(body, HEADER_END, headersStart);
            if (headersEnd < 0 || headersEnd - headersStart > MAX_HEADER_BYTES) {
                throw ApiException.badRequest("part " + number + ": its headers do not end with an empty line");
            }
            Map<String, String> headers = headers(new String(body, headersStart, Math.max(0, headersEnd - headersStart),
                    StandardCharsets.UTF_8));
            int contentStart = headersEnd + HEADER_END.length;
            int contentEnd = indexOf(body, next, contentStart);
            if (contentEnd < 0) {
                throw ApiException.badRequest("part " + number + ": the body ends before the closing boundary");
            }
            parts.add(part(number, headers, Arrays.copyOfRange(body, contentStart, contentEnd)));
            pos = contentEnd + next.length;
        }
    }

    private static Part part(int number, Map<String, String> headers, byte[] content) {
        String disposition = headers.get("content-disposition");
        if (disposition == null || !disposition.toLowerCase(Locale.ROOT).startsWith("form-data")) {
            throw ApiException.badRequest("part " + number + " has no Content-Disposition: form-data header");
        }
        Map<String, String> params = parameters(disposition);
        String name = params.get("name");
        if (name == null || name.isEmpty()) {
            throw ApiException.badRequest("part " + number + " has no name in its Content-Disposition");
        }
        return new Part(number, name, params.get("filename"), content);
    }

    private static Map<String, String> headers(String block) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line : block.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
        return headers;
    }

    /** The {@code ; key=value} parameters of a header, values unquoted (backslash escapes as curl writes them). */
    private static Map<String, String> parameters(String header) {
        Map<String, String> params = new LinkedHashMap<>();
        int i = header.indexOf(';');
        while (i >= 0 && i < header.length()) {
            i++;
            int eq = header.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String key = header.substring(i, eq).trim().toLowerCase(Locale.ROOT);
            StringBuilder value = new StringBuilder();
            int j = eq + 1;
            while (j < header.length() && header.charAt(j) == ' ') {
                j++;
            }
            if (j < header.length() && header.charAt(j) == '"') {
                for (j++; j < header.length() && header.charAt(j) != '"'; j++) {
                    if (header.charAt(j) == '\\' && j + 1 < header.length()) {
                        j++;
                    }
                    value.append(header.charAt(j));
                }
                j = header.indexOf(';', j);
            } else {
                int end = header.indexOf(';', j);
                value.append(header, j, end < 0 ? header.length() : end);
                j = end;
            }
            params.putIfAbsent(key, value.toString().trim());
            i = j;
        }
        return params;
    }

    private static int skipLinearWhitespace(byte[] body, int pos) {
        while (pos < body.length && (body[pos] == ' ' || body[pos] == '\t')) {
            pos++;
        }
        return pos;
    }

    private static boolean startsWith(byte[] body, int pos, byte[] prefix) {
        if (pos < 0 || pos + prefix.length > body.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (body[pos + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] body, byte[] pattern, int from) {
        for (int i = Math.max(0, from); i + pattern.length <= body.length; i++) {
            if (startsWith(body, i, pattern)) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
