package io.meridian.nextcloud;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Paths below a client's root: "/"-separated, always starting with "/", never with "." or ".."
 * segments. Each segment is percent-encoded on its own, so a name can never change the URL's structure.
 */
final class DavPaths {
    private DavPaths() {
    }

    /** The segments of {@code path}; empty for the root. Rejects "..", "." and control characters. */
    static List<String> segments(String path) {
        List<String> out = new ArrayList<>();
        for (String segment : path.split("/")) {
            if (segment.isEmpty()) {
                continue;
            }
            if (segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("path segments '.' and '..' are not allowed: " + path);
            }
            for (int i = 0; i < segment.length(); i++) {
                if (segment.charAt(i) < 0x20 || segment.charAt(i) == 0x7f) {
                    throw new IllegalArgumentException("control characters are not allowed in paths");
                }
            }
            out.add(segment);
        }
        return out;
    }

    static String normalize(String path) {
        return "/" + String.join("/", segments(path));
    }

    static String parent(String path) {
        List<String> segments = segments(path);
        return segments.size() <= 1 ? "/" : "/" + String.join("/", segments.subList(0, segments.size() - 1));
    }

    static String name(String path) {
        List<String> segments = segments(path);
        return segments.isEmpty() ? "" : segments.get(segments.size() - 1);
    }

    /** {@code root} plus the encoded segments of {@code path}; a trailing "/" when {@code folder}. */
    static URI resolve(URI root, String path, boolean folder) {
        StringBuilder url = new StringBuilder(root.toString());
        List<String> segments = segments(path);
        for (int i = 0; i < segments.size(); i++) {
            url.append(encode(segments.get(i)));
            if (i < segments.size() - 1 || folder) {
                url.append('/');
            }
        }
        return URI.create(url.toString());
    }

    static String encode(String segment) {
        StringBuilder out = new StringBuilder();
        for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    /** Percent-decoding of a URL path; '+' stays '+' (it is not a space in a path). */
    static String decode(String raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] bytes = raw.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '%' && i + 2 < bytes.length) {
                out.write(Integer.parseInt(new String(bytes, i + 1, 2, StandardCharsets.US_ASCII), 16));
                i += 2;
            } else {
                out.write(bytes[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
