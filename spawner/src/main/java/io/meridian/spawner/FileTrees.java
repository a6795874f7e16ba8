package io.meridian.spawner;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** File-tree removal shared by the local spawner, home files and the hub's course store. */
public final class FileTrees {

    private FileTrees() {
    }

    /**
     * Deletes {@code root} and everything below it. Links are never followed: a link (the root itself or
     * one inside) is removed, never what it points at. A root that does not exist, or goes away meanwhile,
     * is not an error.
     */
    public static void delete(Path root) throws IOException {
        try {
            if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
                Files.deleteIfExists(root);
                return;
            }
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                    if (failure != null) {
                        throw failure;
                    }
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException gone) {
            // deleted meanwhile
        }
    }
}
