package io.meridian.hub.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.hub.web.ApiException;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The module catalog: the modules of a folder plus, optionally, those of a git repository, held as an
 * immutable snapshot that {@link #refresh()} replaces. A module in the folder wins over one of the same
 * id from git; the git one is then listed as invalid.
 */
public final class Catalog {
    private static final System.Logger LOG = System.getLogger(Catalog.class.getName());

    private final CatalogLoader loader;
    private final Path folder;
    private final GitCatalogSource git;
    private volatile Snapshot snapshot = new Snapshot(Map.of(), List.of(), null, List.of());

    /** What the catalog holds right now; {@code warnings} say what could not be refreshed. */
    public record Snapshot(Map<String, CatalogModule> modules, List<InvalidModule> invalid, Instant loadedAt,
                           List<String> warnings) {
    }

    /**
     * @param folder the catalog folder, or null for none
     * @param git    a git repository to merge in, or null for none
     */
    public Catalog(CatalogLoader loader, Path folder, GitCatalogSource git) {
        this.loader = loader;
        this.folder = folder;
        this.git = git;
    }

    /** Reloads everything; a git failure keeps the previous clone's modules and is reported as a warning. */
    public synchronized Snapshot refresh() {
        Map<String, CatalogModule> modules = new LinkedHashMap<>();
        List<InvalidModule> invalid = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        if (folder != null) {
            CatalogLoader.Loaded local = loader.load(folder, "folder");
            modules.putAll(local.modules());
            invalid.addAll(local.invalid());
        }
        if (git != null) {
            try {
                git.update();
            } catch (IOException e) {
                warnings.add(e.getMessage());
                LOG.log(System.Logger.Level.WARNING, "catalog git update failed: " + e.getMessage());
            }
            CatalogLoader.Loaded remote = loader.load(git.checkout(), "git");
            invalid.addAll(remote.invalid());
            remote.modules().forEach((id, module) -> {
                if (modules.containsKey(id)) {
                    invalid.add(new InvalidModule(id, id, List.of("the catalog folder already has a module '" + id + "'")));
                } else {
                    modules.put(id, module);
                }
            });
        }
        snapshot = new Snapshot(Map.copyOf(modules), List.copyOf(invalid), Instant.now(), List.copyOf(warnings));
        return snapshot;
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    public List<CatalogModule> search(ModuleQuery query) {
        return snapshot.modules().values().stream().filter(query::matches)
                .sorted(java.util.Comparator.comparing(CatalogModule::id)).toList();
    }

    public CatalogModule module(String id) {
        return Optional.ofNullable(id).map(i -> snapshot.modules().get(i.toLowerCase(Locale.ROOT)))
                .orElseThrow(() -> ApiException.notFound("no module '" + shown(id) + "' in the catalog"));
    }

    /**
     * How {@code id} runs for a user with {@code quota}: what the module asks for under {@code purpose}
     * ("inference" or "training"), cut down to the quota, with a warning for each cut.
     */
    public DeployConfig deployConfig(String id, String purpose, Resources quota) {
        if (!purpose.equals("inference") && !purpose.equals("training")) {
            throw ApiException.badRequest("purpose must be 'inference' or 'training'");
        }
        CatalogModule module = module(id);
        if (module.image() == null) {
            throw ApiException.conflict("module '" + id + "' names no container image (links.docker_image)");
        }
        Resources requested = requested(module.metadata().path("resources").path(purpose));
        List<String> warnings = new ArrayList<>();
        int cpu = clamp("CPUs", requested.cpu(), quota.cpu(), warnings);
        long memory = clamp("MB of memory", requested.memoryMb(), quota.memoryMb(), warnings);
        int gpu = clamp("GPUs", requested.gpu(), quota.gpu(), warnings);
        return new DeployConfig(module.id(), module.image(), module.port(), purpose, requested,
                new Resources(cpu, memory, gpu), List.copyOf(warnings));
    }

    /** Reads a resource block: memory_MB as the schema says, or a "16GB"-style memory string as older files do. */
    static Resources requested(JsonNode block) {
        Resources d = Resources.MODULE_DEFAULT;
        int cpu = block.path("cpu").canConvertToInt() && block.path("cpu").asInt() > 0 ? block.path("cpu").asInt() : d.cpu();
        int gpu = block.path("gpu").canConvertToInt() && block.path("gpu").asInt() >= 0 ? block.path("gpu").asInt() : d.gpu();
        long memory = d.memoryMb();
        if (block.path("memory_MB").canConvertToLong() && block.path("memory_MB").asLong() > 0) {
            memory = block.path("memory_MB").asLong();
        } else if (block.path("memory").isTextual()) {
            memory = megabytes(block.path("memory").asText()).orElse(d.memoryMb());
        }
        return new Resources(cpu, memory, gpu);
    }

    static Optional<Long> megabytes(String text) {
        var m = java.util.regex.Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)\\s*([kKmMgGtT]i?[bB]?)?\\s*").matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        double value = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "M" : m.group(2).substring(0, 1).toUpperCase(Locale.ROOT);
        double mb = switch (unit) {
            case "K" -> value / 1000;
            case "G" -> value * 1000;
            case "T" -> value * 1_000_000;
            default -> value;
        };
        return Optional.of((long) Math.ceil(mb));
    }

    private static <N extends Number & Comparable<N>> N clamp(String what, N asked, N allowed, List<String> warnings) {
        if (asked.compareTo(allowed) > 0) {
            warnings.add("the module asks for " + asked + " " + what + "; your quota allows " + allowed
                    + ", so it gets " + allowed);
            return allowed;
        }
        return asked;
    }

    private static String shown(String id) {
        return id == null ? "" : id.length() > 60 ? id.substring(0, 60) + "..." : id.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
