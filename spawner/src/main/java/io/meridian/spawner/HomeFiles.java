package io.meridian.spawner;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The files of one server's home directory, reached by the hub whether the server runs or not, so
 * the hub can hand out and collect course work itself. Paths are relative to the home and use '/';
 * absolute paths, {@code ..}, empty segments and control characters are refused, and no operation
 * follows a symbolic link out of the home.
 */
public interface HomeFiles {
    Pattern BAD_CHARACTERS = Pattern.compile("[\\x00-\\x1f\\x7f\\\\]");

    /**
     * Every regular file under {@code dir} (symbolic links are skipped), with paths relative to {@code dir};
     * empty when {@code dir} does not exist.
     *
     * @param maxBytes refuse ({@link TooLarge}) when the files together are larger
     */
    List<HomeEntry> readTree(String dir, long maxBytes) throws SpawnException;

    /**
     * Writes {@code files} (paths relative to {@code dir}) under {@code dir}, creating folders as needed.
     *
     * @param overwrite false: a file that already exists is left as it is
     * @return the paths (relative to {@code dir}) that were written; the others were skipped
     */
    List<String> writeTree(String dir, Map<String, byte[]> files, boolean overwrite) throws SpawnException;

    /** Deletes {@code dir} and everything in it; nothing happens when it does not exist. */
    void deleteTree(String dir) throws SpawnException;

    /** A folder holds more bytes than the caller allows. */
    final class TooLarge extends SpawnException {
        public TooLarge(String message) {
            super(message);
        }
    }

    /**
     * The checked form of a relative home path: no leading '/', no '.', '..' or empty segments, no
     * control characters or backslashes, at most 1024 characters.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    static String checkPath(String path) {
        if (path == null || path.isEmpty() || path.length() > 1024) {
            throw new IllegalArgumentException("a path of 1 to 1024 characters is needed");
        }
        if (path.startsWith("/")) {
            throw new IllegalArgumentException("path must be relative to the home directory: " + path);
        }
        if (BAD_CHARACTERS.matcher(path).find()) {
            throw new IllegalArgumentException("path must not contain control characters or backslashes");
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("path must not contain empty, '.' or '..' segments: " + path);
            }
        }
        return path;
    }
}
