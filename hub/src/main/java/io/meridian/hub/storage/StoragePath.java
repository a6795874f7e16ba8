package io.meridian.hub.storage;

import io.meridian.hub.web.ApiException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A path inside one user's storage, checked once where it enters: "/"-separated, relative to the
 * user's root whether or not it starts with "/", and never able to leave that root. Refused: ".."
 * segments, backslashes, control characters, and percent-encoded dots or slashes left over after the
 * URL was decoded (a double-encoded "%2e%2e" is an escape attempt, never a real name).
 *
 * @param segments the path's segments; empty for the root
 */
public record StoragePath(List<String> segments) {
    private static final int MAX_LENGTH = 4096;

    public StoragePath {
        segments = List.copyOf(segments);
    }

    public static final StoragePath ROOT = new StoragePath(List.of());

    public static StoragePath parse(String raw) {
        if (raw == null || raw.isEmpty()) {
            return ROOT;
        }
        if (raw.length() > MAX_LENGTH) {
            throw ApiException.badRequest("path is longer than " + MAX_LENGTH + " characters");
        }
        String lower = raw.toLowerCase(Locale.ROOT);
        if (lower.contains("%2e") || lower.contains("%2f") || lower.contains("%5c") || lower.contains("%00")) {
            throw ApiException.badRequest("path contains an encoded '.', '/', '\\' or NUL; send the path decoded once");
        }
        if (raw.indexOf('\\') >= 0) {
            throw ApiException.badRequest("path must use '/' as separator, not '\\'");
        }
        List<String> segments = new ArrayList<>();
        for (String segment : raw.split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                throw ApiException.badRequest("path must not contain '..': paths stay inside your storage");
            }
            for (int i = 0; i < segment.length(); i++) {
                char c = segment.charAt(i);
                if (c < 0x20 || c == 0x7f) {
                    throw ApiException.badRequest("path must not contain control characters");
                }
            }
            segments.add(segment);
        }
        return new StoragePath(segments);
    }

    public boolean isRoot() {
        return segments.isEmpty();
    }

    public String name() {
        return isRoot() ? "" : segments.get(segments.size() - 1);
    }

    public StoragePath parent() {
        return isRoot() ? ROOT : new StoragePath(segments.subList(0, segments.size() - 1));
    }

    public StoragePath child(String name) {
        List<String> more = new ArrayList<>(segments);
        more.add(name);
        return new StoragePath(more);
    }

    /** Whether {@code other} is this path or lies below it. */
    public boolean contains(StoragePath other) {
        return other.segments.size() >= segments.size() && other.segments.subList(0, segments.size()).equals(segments);
    }

    /** The path as shown to users and sent to WebDAV: "/" or "/a/b". */
    @Override
    public String toString() {
        return "/" + String.join("/", segments);
    }
}
