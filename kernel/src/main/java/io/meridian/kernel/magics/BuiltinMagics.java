package io.meridian.kernel.magics;

import io.meridian.kernel.maven.MavenResolver;
import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The magics every Meridian kernel has. */
public final class BuiltinMagics {

    private BuiltinMagics() {
    }

    public static void registerAll(MagicRegistry registry) {
        Magic classpath = Magic.of("classpath",
                "%classpath PATH... : add jars, class folders or globs (lib/*.jar) to the classpath", false,
                BuiltinMagics::classpath);
        registry.register(classpath);
        registry.register(Magic.of("jars", "%jars PATH... : same as %classpath", false, BuiltinMagics::classpath));
        registry.register(Magic.of("maven",
                "%maven group:artifact:version... : download an artifact with its dependencies and add them",
                false, BuiltinMagics::maven));
        registry.register(Magic.of("time",
                "%time [code] : run code (alone on its line: the rest of the cell) and print the wall time", true,
                BuiltinMagics::time));
        registry.register(Magic.of("env",
                "%env [NAME[=VALUE]] : show the environment, one variable, or set one for this session", false,
                BuiltinMagics::env));
        registry.register(Magic.of("load", "%load FILE : run the Java code in FILE as part of this cell", false,
                (args, ctx) -> ctx.execute(Files.readString(existing(args)))));
        registry.register(Magic.of("doc", "%doc EXPRESSION : show the signature and javadoc in the pager", false,
                BuiltinMagics::doc));
        registry.register(Magic.of("lsmagic", "%lsmagic : list the magics", false, (args, ctx) -> {
            ctx.out().println("Line magics (on the leading lines of a cell; %%name takes the whole cell):");
            ctx.magics().forEach(m -> ctx.out().println("  " + m.description()));
        }));
    }

    private static void classpath(String args, MagicContext ctx) throws IOException {
        List<Path> added = new ArrayList<>();
        for (String token : split(args)) {
            for (String entry : token.split(File.pathSeparator)) {
                if (!entry.isEmpty()) {
                    added.addAll(expand(entry));
                }
            }
        }
        if (added.isEmpty()) {
            throw new IllegalArgumentException("%classpath needs at least one jar, folder or glob");
        }
        added.forEach(ctx::addToClasspath);
        ctx.out().println("Added to classpath: " + added);
    }

    private static List<Path> expand(String entry) throws IOException {
        if (!entry.contains("*") && !entry.contains("?")) {
            return List.of(existing(entry));
        }
        Path pattern = Path.of(entry).toAbsolutePath();
        Path dir = pattern.getParent();
        List<Path> matches = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, pattern.getFileName().toString())) {
            stream.forEach(matches::add);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no such folder: " + dir);
        }
        if (matches.isEmpty()) {
            throw new IllegalArgumentException("nothing matches " + entry);
        }
        matches.sort(null);
        return matches;
    }

    private static Path existing(String name) {
        Path path = Path.of(name.strip()).toAbsolutePath();
        if (!Files.exists(path)) {
            throw new IllegalArgumentException("no such file or folder: " + path);
        }
        return path;
    }

    private static void maven(String args, MagicContext ctx) throws Exception {
        List<String> coordinates = split(args);
        if (coordinates.isEmpty()) {
            throw new IllegalArgumentException("%maven needs coordinates, e.g. %maven org.apache.commons:commons-lang3:3.17.0");
        }
        for (String coordinate : coordinates) {
            List<Path> jars = MavenResolver.resolve(coordinate);
            jars.forEach(ctx::addToClasspath);
            ctx.out().println("Added " + coordinate + " (" + jars.size() + " jar" + (jars.size() == 1 ? "" : "s") + ")");
        }
    }

    private static void time(String code, MagicContext ctx) throws Exception {
        long start = System.nanoTime();
        try {
            ctx.execute(code);
        } finally {
            ctx.out().printf("Wall time: %.1f ms%n", (System.nanoTime() - start) / 1e6);
        }
    }

    private static void env(String args, MagicContext ctx) {
        Map<String, String> overrides = ctx.environment();
        if (args.isBlank()) {
            Map<String, String> all = new TreeMap<>(System.getenv());
            all.putAll(overrides);
            all.forEach((k, v) -> ctx.out().println(k + "=" + v));
            return;
        }
        int eq = args.indexOf('=');
        String[] parts = eq >= 0 ? new String[] {args.substring(0, eq), args.substring(eq + 1)} : args.split("\\s+", 2);
        String name = parts[0].strip();
        if (name.isEmpty() || !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("not an environment variable name: '" + name + "'");
        }
        if (parts.length == 1) {
            String value = overrides.containsKey(name) ? overrides.get(name) : System.getenv(name);
            ctx.out().println(value == null ? name + " is not set" : name + "=" + value);
            return;
        }
        overrides.put(name, parts[1].strip());
        ctx.out().println("env: " + name + "=" + parts[1].strip());
    }

    private static void doc(String args, MagicContext ctx) {
        String text = ctx.documentation(args.strip());
        if (text == null) {
            throw new IllegalArgumentException("no documentation found for '" + args.strip() + "'");
        }
        ctx.page(text);
    }

    private static List<String> split(String args) {
        List<String> tokens = new ArrayList<>();
        for (String token : args.strip().split("\\s+")) {
            if (!token.isEmpty()) {
                tokens.add(token);
            }
        }
        return tokens;
    }
}
