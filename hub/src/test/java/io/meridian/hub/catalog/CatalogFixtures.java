package io.meridian.hub.catalog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The shared reference files and the repository's default catalog, as tests find them. */
final class CatalogFixtures {
    /** /work/shared/specs: the surefire property names a file in it. */
    static final Path SPECS = Path.of(System.getProperty("meridian.spec", "../../shared/specs/jupyterhub-rest-api.yml"))
            .toAbsolutePath().getParent();
    static final Path EXAMPLES = SPECS.resolve("examples");
    static final Path DEFAULT_CATALOG = Path.of("../catalog").toAbsolutePath().normalize();

    private CatalogFixtures() {
    }

    /** Writes {@code text} as {@code root/folder/file}. */
    static Path module(Path root, String folder, String file, String text) {
        try {
            Path dir = Files.createDirectories(root.resolve(folder));
            return Files.writeString(dir.resolve(file), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path copyExample(Path root, String folder, String example, String asName) {
        try {
            return module(root, folder, asName, Files.readString(EXAMPLES.resolve(example)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A minimal valid AI4OS v2 file with the given docker_image and extra text appended. */
    static String minimal(String title, String dockerImage, String extra) {
        return """
                metadata_version: 2.2.0
                title: %s
                summary: A test module.
                description: Used by the catalog tests.
                links:
                  source_code: https://example.org/code
                  docker_image: %s
                libraries: [PyTorch]
                tasks: [Classification]
                categories: [AI4 trainable]
                tags: [test]
                """.formatted(title, dockerImage) + extra;
    }
}
