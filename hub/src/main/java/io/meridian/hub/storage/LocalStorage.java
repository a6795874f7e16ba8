package io.meridian.hub.storage;

import io.meridian.hub.web.ApiException;
import io.meridian.hub.web.Json;
import io.meridian.nextcloud.ContentTypes;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A user's storage as a folder on the hub's disk. Every path is checked against the folder's real
 * location after symlinks are followed, so a link pointing outside (planted from a notebook, say)
 * can be listed but never read through, written through or deleted through.
 */
public final class LocalStorage implements StorageBackend {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Path root;

    public LocalStorage(Path root) {
        try {
            Files.createDirectories(root);
            this.root = root.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the storage folder " + root, e);
        }
    }

    @Override
    public String kind() {
        return "local";
    }

    @Override
    public List<StorageEntry> list(StoragePath folder) {
        Path dir = existing(folder);
        if (!Files.isDirectory(dir)) {
            throw ApiException.conflict(folder + " is a file, not a folder");
        }
        List<StorageEntry> out = new ArrayList<>();
        try (Stream<Path> children = Files.list(dir)) {
            for (Path child : (Iterable<Path>) children.sorted()::iterator) {
                String name = child.getFileName().toString();
                StoragePath path = folder.child(name);
                if (!StorageEntry.isUploadInProgress(name) && inside(child)) {
                    entry(path, child).ifPresent(out::add);
                }
            }
        } catch (IOException e) {
            throw failed("list", folder, e);
        }
        return out;
    }

    @Override
    public Optional<StorageEntry> stat(StoragePath path) {
        Path file = lexical(path);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        return entry(path, existing(path));
    }

    @Override
    public InputStream read(StoragePath file) {
        Path target = existing(file);
        if (Files.isDirectory(target)) {
            throw ApiException.conflict(file + " is a folder, not a file");
        }
        try {
            return Files.newInputStream(target, StandardOpenOption.READ);
        } catch (IOException e) {
            throw failed("read", file, e);
        }
    }

    @Override
    public void write(StoragePath file, InputStream content, long length, boolean overwrite) {
        if (file.isRoot()) {
            throw ApiException.badRequest("name a file to write, not the storage root");
        }
        Path folder = existingFolder(file.parent());
        Path target = folder.resolve(file.name());
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw ApiException.conflict(file + " is a folder");
        }
        if (!overwrite && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new ApiException(412, file + " already exists");
        }
        Path temp = folder.resolve(StorageEntry.UPLOAD_PREFIX + file.name() + ".part-" + HexFormat.of().formatHex(randomBytes()));
        try {
            long written;
            try (var out = Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                written = content.transferTo(out);
            }
            if (length >= 0 && written != length) {
                throw ApiException.badRequest("upload of " + file + " ended after " + written + " of " + length + " bytes");
            }
            // A link at the target is replaced, not followed: the rename swaps the directory entry itself.
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw failed("write", file, e);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // the temporary name never shows as the real file; a later listing just skips it
            }
        }
    }

    @Override
    public void mkdir(StoragePath folder) {
        if (folder.isRoot()) {
            throw ApiException.conflict("the storage root already exists");
        }
        Path parent = existingFolder(folder.parent());
        try {
            Files.createDirectory(parent.resolve(folder.name()));
        } catch (FileAlreadyExistsException e) {
            throw ApiException.conflict("already exists: " + folder);
        } catch (IOException e) {
            throw failed("create folder", folder, e);
        }
    }

    @Override
    public void move(StoragePath from, StoragePath to, boolean overwrite) {
        Path source = lexicalChecked(from);
        Path target = destination(from, to, overwrite);
        try {
            if (overwrite) {
                deleteTree(target);
            }
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw failed("move", from, e);
        }
    }

    @Override
    public void copy(StoragePath from, StoragePath to, boolean overwrite) {
        Path source = existing(from);
        Path target = destination(from, to, overwrite);
        try {
            if (overwrite) {
                deleteTree(target);
            }
            try (Stream<Path> tree = Files.walk(source)) {
                for (Path p : (Iterable<Path>) tree::iterator) {
                    if (!Files.isSymbolicLink(p)) {
                        Files.copy(p, target.resolve(source.relativize(p).toString()), LinkOption.NOFOLLOW_LINKS);
                    }
                }
            }
        } catch (IOException e) {
            throw failed("copy", from, e);
        }
    }

    @Override
    public void delete(StoragePath path) {
        if (path.isRoot()) {
            throw ApiException.badRequest("refusing to delete the storage root");
        }
        Path target = lexicalChecked(path);
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw ApiException.notFound("no such file or folder: " + path);
        }
        try {
            deleteTree(target);
        } catch (IOException e) {
            throw failed("delete", path, e);
        }
    }

    @Override
    public Optional<StorageQuota> quota() {
        try (Stream<Path> tree = Files.walk(root)) {
            long used = tree.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .mapToLong(p -> p.toFile().length()).sum();
            return Optional.of(new StorageQuota(used, Files.getFileStore(root).getUsableSpace()));
        } catch (IOException e) {
            throw failed("measure", StoragePath.ROOT, e);
        }
    }

    // --- confinement: every path is the root plus checked segments, and its real location stays below the root

    private Path lexical(StoragePath path) {
        Path p = root;
        for (String segment : path.segments()) {
            p = p.resolve(segment);
        }
        return p;
    }

    /** The path itself may be a link (it is handled, not followed), but every folder on the way must stay inside. */
    private Path lexicalChecked(StoragePath path) {
        Path p = lexical(path);
        if (!path.isRoot()) {
            existingFolder(path.parent());
        }
        return p;
    }

    /** An existing file or folder whose real location is inside the root. */
    private Path existing(StoragePath path) {
        Path p = lexical(path);
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            throw ApiException.notFound("no such file or folder: " + path);
        }
        if (!inside(p)) {
            throw ApiException.forbidden(path + " points outside your storage");
        }
        return p;
    }

    private Path existingFolder(StoragePath folder) {
        Path p = lexical(folder);
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            throw ApiException.conflict("folder " + folder + " does not exist; create it first");
        }
        if (!inside(p)) {
            throw ApiException.forbidden(folder + " points outside your storage");
        }
        if (!Files.isDirectory(p)) {
            throw ApiException.conflict(folder + " is a file, not a folder");
        }
        return p;
    }

    private Path destination(StoragePath from, StoragePath to, boolean overwrite) {
        if (from.isRoot() || to.isRoot()) {
            throw ApiException.badRequest("the storage root cannot be moved, copied or replaced");
        }
        if (from.contains(to)) {
            throw ApiException.badRequest("cannot put " + from + " inside itself");
        }
        existing(from);
        Path target = existingFolder(to.parent()).resolve(to.name());
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !overwrite) {
            throw new ApiException(412, to + " already exists");
        }
        return target;
    }

    private boolean inside(Path p) {
        try {
            return p.toRealPath().startsWith(root);
        } catch (IOException e) {
            return false;
        }
    }

    private Optional<StorageEntry> entry(StoragePath path, Path file) {
        try {
            BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
            boolean folder = attrs.isDirectory();
            return Optional.of(new StorageEntry(path.toString(), path.name(),
                    folder ? StorageEntry.DIRECTORY : StorageEntry.FILE,
                    folder ? null : attrs.size(), Json.time(attrs.lastModifiedTime().toInstant()),
                    null, folder ? null : ContentTypes.byName(path.name())));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw failed("read", path, e);
        }
    }

    private static void deleteTree(Path target) throws IOException {
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> tree = Files.walk(target)) {
                for (Path p : (Iterable<Path>) tree.sorted(Comparator.reverseOrder())::iterator) {
                    Files.delete(p);
                }
            }
        } else {
            Files.delete(target);
        }
    }

    private static ApiException failed(String action, StoragePath path, IOException e) {
        if (e instanceof NoSuchFileException) {
            return ApiException.notFound("no such file or folder: " + path);
        }
        if (e instanceof DirectoryNotEmptyException || e instanceof FileAlreadyExistsException) {
            return ApiException.conflict("cannot " + action + " " + path + ": the destination is in the way");
        }
        return new ApiException(500, "cannot " + action + " " + path + ": " + e.getClass().getSimpleName());
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
