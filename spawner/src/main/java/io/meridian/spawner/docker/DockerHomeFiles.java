package io.meridian.spawner.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import com.github.dockerjava.transport.DockerHttpClient;
import io.meridian.spawner.HomeEntry;
import io.meridian.spawner.HomeFiles;
import io.meridian.spawner.SpawnException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A Docker server's home volume, reached through a throwaway helper container that mounts it: Docker's
 * archive API copies files in and out of a created container without starting it, so this works whether
 * the server runs or not. Files and folders the hub writes belong to the notebook user (uid and gid 1000,
 * {@code images/notebook/Dockerfile}). Paths leading through a symbolic link are refused; even if a student
 * swapped a folder for a link meanwhile, the daemon resolves it inside the helper's own file system.
 */
final class DockerHomeFiles implements HomeFiles {
    static final int NOTEBOOK_UID = 1000;
    private static final String LABEL_HELPER = "meridian.helper";
    private static final long GO_MODE_SYMLINK = 1L << 27;
    private static final long GO_MODE_DIR = 1L << 31;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DockerClient docker;
    private final DockerHttpClient http;
    private final String image;
    private final String volume;
    private final String hubId;
    private final String user;

    DockerHomeFiles(DockerClient docker, DockerHttpClient http, String image, String volume, String hubId, String user) {
        this.user = user;
        this.docker = docker;
        this.http = http;
        this.image = image;
        this.volume = volume;
        this.hubId = hubId;
    }

    @Override
    public List<HomeEntry> readTree(String dir, long maxBytes) throws SpawnException {
        String checked = checked(dir);
        return withHelper(id -> {
            if (!existsWithoutLinks(id, checked)) {
                return List.of();
            }
            List<HomeEntry> entries = new ArrayList<>();
            long total = 0;
            try (InputStream archive = docker.copyArchiveFromContainerCmd(id, DockerSpawner.HOME + "/" + checked).exec();
                 TarArchiveInputStream tar = new TarArchiveInputStream(archive)) {
                for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                    String inside = insideRoot(entry.getName());
                    if (!regular(entry) || inside.isEmpty()) {
                        continue;
                    }
                    total += entry.getSize();
                    if (total > maxBytes) {
                        throw new TooLarge(dir + " holds more than " + maxBytes + " bytes");
                    }
                    entries.add(new HomeEntry(HomeFiles.checkPath(inside), tar.readAllBytes()));
                }
            } catch (NotFoundException e) {
                return List.of();
            } catch (IOException | IllegalArgumentException e) {
                throw new SpawnException("Cannot read " + dir + " from volume " + volume + ": " + e.getMessage(), e);
            }
            entries.sort(Comparator.comparing(HomeEntry::path));
            return entries;
        });
    }

    @Override
    public List<String> writeTree(String dir, Map<String, byte[]> files, boolean overwrite) throws SpawnException {
        String root = checked(dir);
        Map<String, byte[]> sorted = new TreeMap<>();
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            sorted.put(checked(file.getKey()), file.getValue());
        }
        return withHelper(id -> {
            existsWithoutLinks(id, root);
            Map<String, TarArchiveEntry> existing = listing(id, root);
            Set<String> newFolders = new LinkedHashSet<>();
            String[] rootSegments = root.split("/");
            for (int i = 1; i <= rootSegments.length; i++) {
                String prefix = String.join("/", List.of(rootSegments).subList(0, i));
                if (stat(id, prefix) == null) {
                    newFolders.add(prefix);
                }
            }
            List<String> written = new ArrayList<>();
            for (Map.Entry<String, byte[]> file : sorted.entrySet()) {
                String[] segments = file.getKey().split("/");
                for (int i = 1; i < segments.length; i++) {
                    String folder = String.join("/", List.of(segments).subList(0, i));
                    TarArchiveEntry there = existing.get(folder);
                    if (there != null && !there.isDirectory()) {
                        throw new SpawnException(dir + "/" + folder + " is not a folder; refused");
                    }
                    if (there == null) {
                        newFolders.add(root + "/" + folder);
                    }
                }
                TarArchiveEntry there = existing.get(file.getKey());
                if (there != null && (!overwrite || !regular(there))) {
                    if (overwrite) {
                        throw new SpawnException(dir + "/" + file.getKey() + " exists and is not a regular file");
                    }
                    continue;
                }
                written.add(file.getKey());
            }
            if (written.isEmpty()) {
                return written;
            }
            byte[] archive = archive(newFolders, root, written, sorted);
            try {
                docker.copyArchiveToContainerCmd(id).withRemotePath(DockerSpawner.HOME)
                        .withTarInputStream(new ByteArrayInputStream(archive)).exec();
            } catch (RuntimeException e) {
                throw new SpawnException("Cannot write into volume " + volume + ": " + e.getMessage(), e);
            }
            return written;
        });
    }

    @Override
    public void deleteTree(String dir) throws SpawnException {
        String checked = checked(dir);
        withHelper(id -> {
            if (!existsWithoutLinks(id, checked)) {
                return null;
            }
            // the archive API cannot delete: a second throwaway container runs rm, without network
            String rm = docker.createContainerCmd(image)
                    .withName("meridian-files-rm-" + UUID.randomUUID().toString().substring(0, 12))
                    .withLabels(Map.of(DockerSpawner.LABEL_HUB, hubId, LABEL_HELPER, "files"))
                    .withEntrypoint("rm", "-rf", "--", DockerSpawner.HOME + "/" + checked)
                    .withUser("0:0")
                    .withHostConfig(hostConfig())
                    .exec().getId();
            try {
                docker.startContainerCmd(rm).exec();
                int status = docker.waitContainerCmd(rm).start().awaitStatusCode(60, TimeUnit.SECONDS);
                if (status != 0) {
                    throw new SpawnException("Deleting " + dir + " in volume " + volume + " failed (exit " + status + ")");
                }
            } finally {
                remove(rm);
            }
            return null;
        });
    }

    /**
     * Whether {@code path} exists, after checking that none of its elements is a symbolic link and that all
     * above it are folders.
     */
    private boolean existsWithoutLinks(String id, String path) throws SpawnException {
        String[] segments = path.split("/");
        for (int i = 1; i <= segments.length; i++) {
            String prefix = String.join("/", List.of(segments).subList(0, i));
            JsonNode stat = stat(id, prefix);
            if (stat == null) {
                return false;
            }
            long mode = stat.path("mode").asLong();
            if ((mode & GO_MODE_SYMLINK) != 0) {
                throw new SpawnException(path + " leads through a symbolic link (" + prefix + "); refused");
            }
            if (i < segments.length && (mode & GO_MODE_DIR) == 0) {
                throw new SpawnException(path + ": " + prefix + " is not a folder");
            }
        }
        return true;
    }

    /** Docker's stat of a path in the helper (name, size, mode, linkTarget), null when it does not exist. */
    private JsonNode stat(String id, String path) throws SpawnException {
        // GET answers the stat in a header before the archive: the body is not read
        DockerHttpClient.Request request = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.GET)
                .path("/containers/" + id + "/archive?path="
                        + URLEncoder.encode(DockerSpawner.HOME + "/" + path, StandardCharsets.UTF_8))
                .build();
        try (DockerHttpClient.Response response = http.execute(request)) {
            if (response.getStatusCode() == 404) {
                return null;
            }
            String header = response.getHeader("X-Docker-Container-Path-Stat");
            if (response.getStatusCode() != 200 || header == null) {
                throw new SpawnException("Cannot inspect " + path + " in volume " + volume + ": HTTP " + response.getStatusCode());
            }
            return JSON.readTree(Base64.getDecoder().decode(header));
        } catch (IOException e) {
            throw new SpawnException("Cannot inspect " + path + " in volume " + volume + ": " + e.getMessage(), e);
        }
    }

    /** What is under {@code dir}, by path relative to it; empty when it does not exist. */
    private Map<String, TarArchiveEntry> listing(String id, String dir) throws SpawnException {
        Map<String, TarArchiveEntry> entries = new HashMap<>();
        if (stat(id, dir) == null) {
            return entries;
        }
        try (InputStream archive = docker.copyArchiveFromContainerCmd(id, DockerSpawner.HOME + "/" + dir).exec();
             TarArchiveInputStream tar = new TarArchiveInputStream(archive)) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                String inside = insideRoot(entry.getName());
                entries.put(inside.isEmpty() ? "" : inside, entry);
            }
        } catch (NotFoundException e) {
            return entries;
        } catch (IOException e) {
            throw new SpawnException("Cannot list " + dir + " in volume " + volume + ": " + e.getMessage(), e);
        }
        if (entries.containsKey("") && !entries.get("").isDirectory()) {
            throw new SpawnException(dir + " is not a folder");
        }
        entries.remove("");
        return entries;
    }

    private static byte[] archive(Set<String> folders, String root, List<String> files, Map<String, byte[]> content)
            throws SpawnException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Instant now = Instant.now();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (String folder : folders) {
                TarArchiveEntry entry = new TarArchiveEntry(folder + "/");
                own(entry, 040755, now);
                tar.putArchiveEntry(entry);
                tar.closeArchiveEntry();
            }
            for (String file : files) {
                byte[] data = content.get(file);
                TarArchiveEntry entry = new TarArchiveEntry(root + "/" + file);
                own(entry, 0100644, now);
                entry.setSize(data.length);
                tar.putArchiveEntry(entry);
                tar.write(data);
                tar.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new SpawnException("Cannot pack files: " + e.getMessage(), e);
        }
        return bytes.toByteArray();
    }

    private static void own(TarArchiveEntry entry, int mode, Instant when) {
        entry.setMode(mode);
        entry.setIds(NOTEBOOK_UID, NOTEBOOK_UID);
        entry.setModTime(when.toEpochMilli());
    }

    // commons-compress counts links as files; the hub reads and replaces only real files
    private static boolean regular(TarArchiveEntry entry) {
        return entry.isFile() && !entry.isSymbolicLink() && !entry.isLink();
    }

    /** An archive of {@code a/b} names its entries {@code b/...}: the part after the first segment. */
    private static String insideRoot(String name) {
        String trimmed = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        int slash = trimmed.indexOf('/');
        return slash < 0 ? "" : trimmed.substring(slash + 1);
    }

    private interface HelperWork<T> {
        T run(String containerId) throws SpawnException;
    }

    private <T> T withHelper(HelperWork<T> work) throws SpawnException {
        String id;
        try {
            // a home written before the first start gets the labels the spawner would have given it
            try {
                docker.inspectVolumeCmd(volume).exec();
            } catch (NotFoundException missing) {
                docker.createVolumeCmd().withName(volume)
                        .withLabels(Map.of(DockerSpawner.LABEL_HUB, hubId, DockerSpawner.LABEL_USER, user)).exec();
            }
            id = docker.createContainerCmd(image)
                    .withName("meridian-files-" + UUID.randomUUID().toString().substring(0, 12))
                    .withLabels(Map.of(DockerSpawner.LABEL_HUB, hubId, LABEL_HELPER, "files"))
                    .withHostConfig(hostConfig())
                    .exec().getId();
        } catch (RuntimeException e) {
            throw new SpawnException("Cannot create a helper container for volume " + volume + " (image " + image + "): "
                    + e.getMessage(), e);
        }
        try {
            return work.run(id);
        } catch (RuntimeException e) {
            throw new SpawnException("Cannot reach volume " + volume + ": " + e.getMessage(), e);
        } finally {
            remove(id);
        }
    }

    private HostConfig hostConfig() {
        return HostConfig.newHostConfig()
                .withNetworkMode("none")
                .withBinds(new Bind(volume, new Volume(DockerSpawner.HOME)));
    }

    private void remove(String id) {
        try {
            docker.removeContainerCmd(id).withForce(true).exec();
        } catch (NotFoundException gone) {
            // already removed
        }
    }

    private static String checked(String path) throws SpawnException {
        try {
            return HomeFiles.checkPath(path);
        } catch (IllegalArgumentException e) {
            throw new SpawnException(e.getMessage());
        }
    }
}
