package io.meridian.spawner.local;

import io.meridian.spawner.FileTrees;
import io.meridian.spawner.HomeEntry;
import io.meridian.spawner.HomeFiles;
import io.meridian.spawner.SpawnException;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A local server's home directory on disk. No operation goes through a symbolic link: a link on the way
 * to a path is refused, links inside a folder are skipped. Local servers run as the hub's own OS user, so
 * this guards against mistakes, not against a student who could change the files by other means.
 */
final class LocalHomeFiles implements HomeFiles {
    private final Path home;

    LocalHomeFiles(Path home) {
        this.home = home.toAbsolutePath().normalize();
    }

    @Override
    public List<HomeEntry> readTree(String dir, long maxBytes) throws SpawnException {
        Path root = resolve(dir, false);
        if (Files.isSymbolicLink(root)) {
            throw new SpawnException(dir + " is a symbolic link; refused");
        }
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        List<HomeEntry> entries = new ArrayList<>();
        long[] total = {0};
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    if (attrs.isRegularFile()) {
                        total[0] += attrs.size();
                        if (total[0] > maxBytes) {
                            throw new OverLimit();
                        }
                        entries.add(new HomeEntry(relative(root, file), Files.readAllBytes(file)));
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (OverLimit e) {
            throw new TooLarge(dir + " holds more than " + maxBytes + " bytes");
        } catch (IOException e) {
            throw new SpawnException("Cannot read " + dir + ": " + e.getMessage(), e);
        }
        entries.sort(Comparator.comparing(HomeEntry::path));
        return entries;
    }

    @Override
    public List<String> writeTree(String dir, Map<String, byte[]> files, boolean overwrite) throws SpawnException {
        checked(dir);
        Map<String, byte[]> sorted = new TreeMap<>();
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            sorted.put(checked(file.getKey()), file.getValue());
        }
        List<String> written = new ArrayList<>();
        for (Map.Entry<String, byte[]> file : sorted.entrySet()) {
            Path target = resolve(dir + "/" + file.getKey(), true);
            try {
                if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                    if (!overwrite) {
                        continue;
                    }
                    if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
                        throw new SpawnException(dir + "/" + file.getKey() + " exists and is not a regular file");
                    }
                    Files.write(target, file.getValue(), StandardOpenOption.TRUNCATE_EXISTING,
                            StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
                } else {
                    Files.write(target, file.getValue(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                }
                written.add(file.getKey());
            } catch (IOException e) {
                throw new SpawnException("Cannot write " + dir + "/" + file.getKey() + ": " + e.getMessage(), e);
            }
        }
        return written;
    }

    @Override
    public void deleteTree(String dir) throws SpawnException {
        Path root = resolve(dir, false);
        try {
            FileTrees.delete(root);
        } catch (IOException e) {
            throw new SpawnException("Cannot delete " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * The path on disk, after checking that none of its folders is a symbolic link (and creating them when
     * {@code createParents}); the last element itself may not exist yet.
     */
    private Path resolve(String path, boolean createParents) throws SpawnException {
        String[] segments = checked(path).split("/");
        Path current = home;
        try {
            if (createParents) {
                Files.createDirectories(home);
            }
            for (int i = 0; i < segments.length; i++) {
                current = current.resolve(segments[i]);
                boolean last = i == segments.length - 1;
                if (Files.isSymbolicLink(current) && !last) {
                    throw new SpawnException(path + " leads through a symbolic link; refused");
                }
                if (!last && createParents && !Files.exists(current, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectory(current);
                }
                if (!last && Files.exists(current, LinkOption.NOFOLLOW_LINKS)
                        && !Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
                    throw new SpawnException(path + ": " + String.join("/", List.of(segments).subList(0, i + 1))
                            + " is not a folder");
                }
            }
        } catch (IOException e) {
            throw new SpawnException("Cannot prepare " + path + ": " + e.getMessage(), e);
        }
        if (!current.normalize().startsWith(home)) {
            throw new SpawnException(path + " is outside the home directory; refused");
        }
        return current;
    }

    private static String checked(String path) throws SpawnException {
        try {
            return HomeFiles.checkPath(path);
        } catch (IllegalArgumentException e) {
            throw new SpawnException(e.getMessage());
        }
    }

    private static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }

    // stops the walk as soon as the limit is passed
    private static final class OverLimit extends IOException {
        OverLimit() {
            super(null, null);
        }
    }
}
