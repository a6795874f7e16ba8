package io.meridian.kernel.install;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meridian.kernel.Main;
import io.meridian.kernel.wire.Message;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code install}: writes the kernelspec (kernel.json and logos) that starts this jar with the Java that
 * ran the installer, where {@code jupyter kernelspec install} would put it.
 */
public final class KernelInstaller {

    public static final String DEFAULT_NAME = "meridian-java";
    public static final String DEFAULT_DISPLAY_NAME = "Java (Meridian)";
    private static final String USAGE = "usage: java -jar meridian-kernel.jar install [--user | --prefix DIR]"
            + " [--name NAME] [--display-name NAME] [--jvm-opt OPTION]...";

    private KernelInstaller() {
    }

    /** Options of the install command. */
    record Options(Path kernelsDir, String name, String displayName, List<String> jvmOptions) {
    }

    /** Runs the command; returns the process exit status. */
    public static int run(String[] args) {
        try {
            Options options = parse(args);
            Path dir = install(options, javaExecutable(), runningJar());
            System.out.println("Installed kernelspec " + options.name() + " in " + dir);
            return 0;
        } catch (IllegalArgumentException e) {
            System.err.println("meridian-kernel install: " + e.getMessage() + "\n" + USAGE);
            return 2;
        } catch (IOException e) {
            System.err.println("meridian-kernel install: cannot write the kernelspec: " + e.getMessage());
            return 1;
        }
    }

    static Options parse(String[] args) {
        Path kernelsDir = null;
        boolean user = false;
        String name = DEFAULT_NAME;
        String displayName = DEFAULT_DISPLAY_NAME;
        List<String> jvmOptions = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--user" -> user = true;
                case "--prefix" -> kernelsDir = Path.of(value(args, ++i, arg)).toAbsolutePath()
                        .resolve("share").resolve("jupyter").resolve("kernels");
                case "--name" -> name = value(args, ++i, arg);
                case "--display-name" -> displayName = value(args, ++i, arg);
                case "--jvm-opt" -> jvmOptions.add(value(args, ++i, arg));
                default -> throw new IllegalArgumentException("unknown option " + arg);
            }
        }
        if (user && kernelsDir != null) {
            throw new IllegalArgumentException("--user and --prefix exclude each other");
        }
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("kernel name '" + name + "' may only use letters, digits, '.', '_' and '-'");
        }
        if (kernelsDir == null) {
            kernelsDir = user || !isRoot() ? userKernelsDir() : Path.of("/usr/local/share/jupyter/kernels");
        }
        return new Options(kernelsDir, name.toLowerCase(Locale.ROOT), displayName, jvmOptions);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length || args[i].isBlank()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    /** Writes kernel.json and the logos into kernelsDir/name; returns that folder. */
    static Path install(Options options, Path java, Path jar) throws IOException {
        Path dir = options.kernelsDir().resolve(options.name());
        Files.createDirectories(dir);
        ObjectNode spec = Message.object();
        ArrayNode argv = spec.putArray("argv");
        argv.add(java.toString());
        defaultJvmOptions().forEach(argv::add);
        Path archive = trainClassDataArchive(dir, java, jar);
        if (archive != null) {
            argv.add("-XX:SharedArchiveFile=" + archive);
        }
        options.jvmOptions().forEach(argv::add);
        argv.add("-jar").add(jar.toString()).add("{connection_file}");
        spec.put("display_name", options.displayName());
        spec.put("language", "java");
        spec.put("interrupt_mode", "message");
        spec.putObject("env");
        spec.putObject("metadata").put("debugger", false);
        Files.writeString(dir.resolve("kernel.json"), spec.toPrettyString() + "\n");
        copyLogo("logo-32x32.png", dir);
        copyLogo("logo-64x64.png", dir);
        return dir;
    }

    /**
     * A serial-collected heap that starts small and gives memory back, and C1 compilation, start fast and
     * stay light for interactive use (the default heap sizing alone costs about 100 MiB of RSS); a stale
     * or unreadable class-data archive is ignored silently (-Xshare:auto) rather than failing the start.
     */
    static List<String> defaultJvmOptions() {
        return List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-Xlog:cds*=off",
                "-XX:MaxRAMPercentage=50", "-Xms16m", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30",
                "-XX:ReservedCodeCacheSize=64m");
    }

    /**
     * Builds a static class-data archive next to kernel.json: a child JVM runs {@link ClassDataTraining}
     * and lists the classes it loads, then a second one dumps those classes into the archive. Archived
     * lambda proxies are left out: looking them up crashed Java 25.0.3 at kernel start (SIGSEGV in
     * LambdaProxyClassDictionary), and they save little. Returns the archive, or null (the kernel then
     * starts without one) when the JVM cannot make it.
     */
    private static Path trainClassDataArchive(Path dir, Path java, Path jar) {
        Path archive = dir.resolve("meridian-kernel.jsa");
        Path classList = dir.resolve("meridian-kernel.classlist");
        try {
            Files.deleteIfExists(archive);
            List<String> train = new ArrayList<>(List.of(java.toString(), "-XX:DumpLoadedClassList=" + classList));
            train.addAll(defaultJvmOptions());
            train.addAll(List.of("-jar", jar.toString(), "train-class-data"));
            if (!runQuietly(train) || !Files.exists(classList)) {
                return null;
            }
            List<String> classes = Files.readAllLines(classList).stream().filter(l -> !l.startsWith("@")).toList();
            Files.write(classList, classes);
            List<String> dump = new ArrayList<>(List.of(java.toString(), "-Xshare:dump",
                    "-XX:SharedClassListFile=" + classList, "-XX:SharedArchiveFile=" + archive));
            dump.addAll(defaultJvmOptions());
            dump.addAll(List.of("-cp", jar.toString()));
            return runQuietly(dump) && Files.exists(archive) && Files.size(archive) > 0 ? archive : null;
        } catch (IOException e) {
            return null;
        } finally {
            try {
                Files.deleteIfExists(classList);
            } catch (IOException e) {
                // a leftover class list is harmless
            }
        }
    }

    private static boolean runQuietly(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            if (!process.waitFor(180, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return false;
            }
            return process.exitValue() == 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return false;
        }
    }

    /** Entry for the child JVM started by {@link #trainClassDataArchive}. */
    public static int trainClassData() {
        try {
            ClassDataTraining.run();
            return 0;
        } catch (Exception | LinkageError e) {
            System.err.println("class-data training failed: " + e);
            return 1;
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Jupyter's per-user data folder, as jupyter_core computes it. */
    static Path userKernelsDir() {
        String dataDir = System.getenv("JUPYTER_DATA_DIR");
        if (dataDir != null && !dataDir.isBlank()) {
            return Path.of(dataDir, "kernels");
        }
        Path home = Path.of(System.getProperty("user.home"));
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        if (os.contains("mac")) {
            return home.resolve("Library/Jupyter/kernels");
        }
        if (os.contains("win")) {
            String appData = System.getenv("APPDATA");
            return Path.of(appData == null ? home.toString() : appData, "jupyter", "kernels");
        }
        String xdg = System.getenv("XDG_DATA_HOME");
        Path data = xdg == null || xdg.isBlank() ? home.resolve(".local/share") : Path.of(xdg);
        return data.resolve("jupyter").resolve("kernels");
    }

    private static Path javaExecutable() {
        String exe = System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("win") ? "java.exe" : "java";
        return Path.of(System.getProperty("java.home"), "bin", exe).toAbsolutePath();
    }

    private static Path runningJar() throws IOException {
        try {
            Path location = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!Files.isRegularFile(location)) {
                throw new IllegalArgumentException("install must run from the kernel jar (java -jar meridian-kernel.jar"
                        + " install), not from " + location);
            }
            return location.toAbsolutePath();
        } catch (URISyntaxException e) {
            throw new IOException("cannot locate the kernel jar: " + e.getMessage(), e);
        }
    }

    /**
     * Copies a logo shipped in the jar: drawing it at install time would need AWT fonts, which a headless
     * JDK in a minimal image lacks.
     */
    private static void copyLogo(String file, Path dir) throws IOException {
        try (var in = KernelInstaller.class.getResourceAsStream(file)) {
            if (in == null) {
                throw new IOException("the kernel jar lacks its logo " + file);
            }
            Files.copy(in, dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
