package io.meridian.hub.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.meridian.hub.web.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads a catalog folder: one module per sub-folder holding {@code ai4-metadata.yml} (or .yaml/.json),
 * or a single module when the folder itself holds the file (a cloned module repository). Every file is
 * validated; a bad one becomes an {@link InvalidModule} and loading goes on.
 */
public final class CatalogLoader {
    static final List<String> METADATA_FILES = List.of("ai4-metadata.yml", "ai4-metadata.yaml", "ai4-metadata.json");
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final MetadataValidator validator;

    public CatalogLoader(MetadataValidator validator) {
        this.validator = validator;
    }

    /** What a folder holds: valid modules by id, and the invalid entries. */
    public record Loaded(Map<String, CatalogModule> modules, List<InvalidModule> invalid) {
    }

    public Loaded load(Path root, String source) {
        Map<String, CatalogModule> modules = new LinkedHashMap<>();
        List<InvalidModule> invalid = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return new Loaded(modules, invalid);
        }
        List<Path> folders = new ArrayList<>();
        if (metadataFile(root).isPresent()) {
            folders.add(root);
        } else {
            try (Stream<Path> children = Files.list(root)) {
                children.filter(Files::isDirectory)
                        .filter(p -> !p.getFileName().toString().startsWith("."))
                        .sorted()
                        .forEach(folders::add);
            } catch (IOException e) {
                invalid.add(new InvalidModule(root.getFileName().toString(), ".", List.of("cannot list the catalog folder")));
            }
        }
        for (Path folder : folders) {
            String id = folder.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
            Optional<Path> file = metadataFile(folder);
            String shown = root.relativize(file.orElse(folder.resolve(METADATA_FILES.get(0)))).toString();
            if (!ID.matcher(id).matches()) {
                invalid.add(new InvalidModule(id, shown, List.of("folder name is not a valid module id: use lowercase letters, digits, '.', '_' or '-'")));
                continue;
            }
            if (file.isEmpty()) {
                invalid.add(new InvalidModule(id, shown, List.of("no ai4-metadata.yml in the module's folder")));
                continue;
            }
            JsonNode metadata = parse(file.get());
            List<String> problems = metadata == null
                    ? List.of("the file is not valid " + (shown.endsWith(".json") ? "JSON" : "YAML"))
                    : !metadata.isObject() ? List.of("the file must hold a mapping of fields")
                    : validator.problems(metadata);
            if (problems.isEmpty()) {
                modules.put(id, ModuleMapping.toModule(id, metadata, source));
            } else {
                invalid.add(new InvalidModule(id, shown, problems));
            }
        }
        return new Loaded(modules, invalid);
    }

    /** Metadata from YAML or JSON; null when the file cannot be read or parsed. */
    static JsonNode parse(Path file) {
        try {
            return file.toString().endsWith(".json") ? Json.MAPPER.readTree(file.toFile()) : YAML.readTree(file.toFile());
        } catch (IOException e) {
            return null;
        }
    }

    private static Optional<Path> metadataFile(Path folder) {
        return METADATA_FILES.stream().map(folder::resolve).filter(Files::isRegularFile).findFirst();
    }
}
