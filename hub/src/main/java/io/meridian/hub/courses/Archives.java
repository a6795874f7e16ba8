package io.meridian.hub.courses;

import io.meridian.hub.web.ApiException;
import io.meridian.spawner.HomeFiles;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Uploaded folders: a zip, tar or gzipped tar, told apart by their first bytes. Only regular files are
 * kept; a name that is absolute or climbs out with {@code ..} refuses the whole upload.
 */
final class Archives {
    static final int MAX_FILES = 10_000;

    private Archives() {
    }

    /** File path to content; 413 when the unpacked files exceed {@code maxBytes}. */
    static Map<String, byte[]> unpack(byte[] upload, long maxBytes) {
        if (upload.length == 0) {
            throw ApiException.badRequest("the upload is empty: send a zip, tar or tar.gz archive of the files");
        }
        try {
            if (upload.length > 4 && upload[0] == 'P' && upload[1] == 'K') {
                return zip(upload, maxBytes);
            }
            if (upload.length > 2 && (upload[0] & 0xff) == 0x1f && (upload[1] & 0xff) == 0x8b) {
                return tar(new GZIPInputStream(new ByteArrayInputStream(upload)), maxBytes);
            }
            if (upload.length >= 512 && new String(upload, 257, 5, StandardCharsets.US_ASCII).equals("ustar")) {
                return tar(new ByteArrayInputStream(upload), maxBytes);
            }
        } catch (IOException e) {
            throw ApiException.badRequest("the archive cannot be read: " + e.getMessage());
        }
        throw ApiException.badRequest("the upload is not a zip, tar or tar.gz archive");
    }

    private static Map<String, byte[]> zip(byte[] upload, long maxBytes) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        long total = 0;
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(upload))) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                if (entry.isDirectory()) {
                    continue;
                }
                byte[] content = readBounded(zip, maxBytes - total, maxBytes);
                total += content.length;
                add(files, entry.getName(), content);
            }
        }
        return files;
    }

    private static Map<String, byte[]> tar(InputStream in, long maxBytes) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        long total = 0;
        try (TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                if (!entry.isFile()) {
                    continue;
                }
                byte[] content = readBounded(tar, maxBytes - total, maxBytes);
                total += content.length;
                add(files, entry.getName(), content);
            }
        }
        return files;
    }

    private static void add(Map<String, byte[]> files, String rawName, byte[] content) {
        String name = rawName.startsWith("./") ? rawName.substring(2) : rawName;
        try {
            files.put(HomeFiles.checkPath(name), content);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("the archive holds a file with a bad name, nothing was stored: " + e.getMessage());
        }
        if (files.size() > MAX_FILES) {
            throw ApiException.badRequest("the archive holds more than " + MAX_FILES + " files");
        }
    }

    private static byte[] readBounded(InputStream in, long left, long maxBytes) throws IOException {
        byte[] content = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, Math.max(0, left) + 1));
        if (content.length > left) {
            throw tooLarge(maxBytes);
        }
        return content;
    }

    static ApiException tooLarge(long limit) {
        return new ApiException(413, "the files are too large for this hub (at most " + limit + " bytes unpacked)");
    }
}
