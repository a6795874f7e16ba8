package io.meridian.deepaas.runtime;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses a multipart/form-data body (RFC 7578) into text fields and uploaded files. */
final class Multipart {
    private static final Pattern BOUNDARY = Pattern.compile("boundary=(\"([^\"]+)\"|[^;\\s]+)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern DISPOSITION_PARAM = Pattern.compile(
            ";\\s*(name|filename)=(\"((?:[^\"\\\\]|\\\\.)*)\"|[^;]+)", Pattern.CASE_INSENSITIVE);

    record Parsed(Map<String, String> fields, List<UploadedFile> files) {
    }

    private Multipart() {
    }

    static Parsed parse(String contentType, byte[] body) {
        Matcher m = BOUNDARY.matcher(contentType);
        if (!m.find()) {
            throw new BadRequest("multipart/form-data without a boundary");
        }
        String boundary = m.group(2) != null ? m.group(2) : m.group(1);
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        Map<String, String> fields = new LinkedHashMap<>();
        List<UploadedFile> files = new ArrayList<>();
        int pos = indexOf(body, delimiter, 0);
        if (pos < 0) {
            throw new BadRequest("multipart body does not contain its boundary");
        }
        while (true) {
            int afterDelimiter = pos + delimiter.length;
            if (afterDelimiter + 1 < body.length && body[afterDelimiter] == '-' && body[afterDelimiter + 1] == '-') {
                break;
            }
            int headersStart = skipLineEnd(body, afterDelimiter);
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), headersStart);
            if (headersEnd < 0) {
                throw new BadRequest("multipart part without a blank line after its headers");
            }
            int next = indexOf(body, ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1), headersEnd + 4);
            if (next < 0) {
                throw new BadRequest("multipart body is not terminated by its boundary");
            }
            String headers = new String(body, headersStart, headersEnd - headersStart, StandardCharsets.UTF_8);
            byte[] content = Arrays.copyOfRange(body, headersEnd + 4, next);
            addPart(headers, content, fields, files);
            pos = next + 2;
        }
        return new Parsed(fields, files);
    }

    private static void addPart(String headers, byte[] content, Map<String, String> fields,
                                List<UploadedFile> files) {
        String name = null;
        String filename = null;
        String type = "application/octet-stream";
        for (String line : headers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String header = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            if (header.equals("content-disposition")) {
                Matcher p = DISPOSITION_PARAM.matcher(value);
                while (p.find()) {
                    String v = p.group(3) != null ? p.group(3).replace("\\\"", "\"") : p.group(2).trim();
                    if (p.group(1).equalsIgnoreCase("name")) {
                        name = v;
                    } else {
                        filename = v;
                    }
                }
            } else if (header.equals("content-type")) {
                type = value;
            }
        }
        if (name == null) {
            throw new BadRequest("multipart part without a name in its Content-Disposition");
        }
        if (filename != null) {
            files.add(new UploadedFile(name, filename, type, content));
        } else {
            fields.put(name, new String(content, StandardCharsets.UTF_8));
        }
    }

    private static int skipLineEnd(byte[] body, int pos) {
        if (pos + 1 < body.length && body[pos] == '\r' && body[pos + 1] == '\n') {
            return pos + 2;
        }
        throw new BadRequest("malformed multipart boundary line");
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** A body that cannot be read as the Content-Type says; answered with 400. */
    static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message);
        }
    }
}
