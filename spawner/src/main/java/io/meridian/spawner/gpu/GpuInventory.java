package io.meridian.spawner.gpu;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** The GPUs of the Docker host, either listed in the configuration or discovered with {@code nvidia-smi}. */
public final class GpuInventory {

    /** The query whose CSV output {@link #parseNvidiaSmi} reads. */
    public static final List<String> NVIDIA_SMI_QUERY =
            List.of("--query-gpu=index,uuid,name,memory.total", "--format=csv,noheader,nounits");

    private final List<GpuDevice> devices;

    private GpuInventory(List<GpuDevice> devices) {
        Set<String> seen = new HashSet<>();
        for (GpuDevice device : devices) {
            if (!seen.add(device.id())) {
                throw new IllegalArgumentException("GPU " + device.id() + " is listed twice");
            }
        }
        this.devices = List.copyOf(devices);
    }

    public static GpuInventory none() {
        return new GpuInventory(List.of());
    }

    /** GPUs named in the configuration, by UUID or index, in the given order. */
    public static GpuInventory of(List<String> ids) {
        List<GpuDevice> devices = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            devices.add(new GpuDevice(ids.get(i).trim(), i, "", 0));
        }
        return new GpuInventory(devices);
    }

    /**
     * Asks {@code nvidia-smi} for the host's GPUs; a host without it (or where it fails) has none.
     * The hub runs on the Docker host, so what nvidia-smi sees is what containers can be given.
     */
    public static GpuInventory discover(Path nvidiaSmi) {
        if (!Files.isExecutable(nvidiaSmi)) {
            return none();
        }
        List<String> command = new ArrayList<>();
        command.add(nvidiaSmi.toString());
        command.addAll(NVIDIA_SMI_QUERY);
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output;
            try (InputStream in = process.getInputStream()) {
                output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("nvidia-smi failed; its output: " + output.strip());
            }
            return new GpuInventory(parseNvidiaSmi(output));
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + nvidiaSmi + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running nvidia-smi", e);
        }
    }

    /** Reads lines like {@code 0, GPU-8c3f..., NVIDIA H100 80GB HBM3, 81559} (memory in MiB, with or without unit). */
    public static List<GpuDevice> parseNvidiaSmi(String csv) {
        List<GpuDevice> devices = new ArrayList<>();
        for (String line : csv.split("\\R")) {
            if (line.isBlank()) {
                continue;
            }
            String[] fields = line.split(",");
            if (fields.length < 4) {
                throw new IllegalArgumentException("unexpected nvidia-smi line (want index, uuid, name, memory): " + line);
            }
            int last = fields.length - 1;
            // a model name may itself contain commas: it is everything between the uuid and the memory
            String name = String.join(",", List.of(fields).subList(2, last)).trim();
            String memory = fields[last].trim().replace("MiB", "").trim();
            devices.add(new GpuDevice(fields[1].trim(), Integer.parseInt(fields[0].trim()), name,
                    memory.matches("\\d+") ? Long.parseLong(memory) : 0));
        }
        return devices;
    }

    public List<GpuDevice> devices() {
        return devices;
    }

    public Optional<GpuDevice> find(String id) {
        return devices.stream().filter(d -> d.id().equals(id)).findFirst();
    }

    public int size() {
        return devices.size();
    }
}
