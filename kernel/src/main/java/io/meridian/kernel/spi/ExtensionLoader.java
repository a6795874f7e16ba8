package io.meridian.kernel.spi;

import io.meridian.kernel.engine.CellFailure;
import io.meridian.kernel.engine.JShellEngine;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Finds {@link KernelExtension}s on the kernel's classpath and in the jars named by
 * {@value #EXTENSIONS_ENV}, and applies them one by one; each failure becomes a problem report.
 */
public final class ExtensionLoader {

    /** Jars or folders, separated like a classpath, whose extensions load at start. */
    public static final String EXTENSIONS_ENV = "MERIDIAN_KERNEL_EXTENSIONS";

    private ExtensionLoader() {
    }

    /** Loads every extension into the engine; returns one line per problem (empty when all loaded). */
    public static List<String> loadAll(JShellEngine engine, String extensionPath, ExtensionContext context) {
        List<String> problems = new ArrayList<>();
        if (extensionPath != null) {
            for (String entry : extensionPath.split(File.pathSeparator)) {
                if (entry.isBlank()) {
                    continue;
                }
                Path path = Path.of(entry.strip());
                if (Files.exists(path)) {
                    engine.addToClasspath(path);
                } else {
                    problems.add(EXTENSIONS_ENV + " names " + path + ", which does not exist");
                }
            }
        }
        Iterator<KernelExtension> found = ServiceLoader.load(KernelExtension.class, engine.classLoader()).iterator();
        while (true) {
            KernelExtension extension;
            try {
                if (!found.hasNext()) {
                    break;
                }
                extension = found.next();
            } catch (ServiceConfigurationError | LinkageError e) {
                problems.add("an extension could not be created: " + e.getMessage());
                continue;
            }
            String problem = apply(engine, extension, context);
            if (problem != null) {
                problems.add(problem);
            }
        }
        return problems;
    }

    private static String apply(JShellEngine engine, KernelExtension extension, ExtensionContext context) {
        String name = extension.getClass().getName();
        try {
            name = extension.name();
            for (String declaration : extension.imports()) {
                engine.evalSetup("import " + declaration + ";");
            }
            extension.register(context);
            for (String code : extension.initCode()) {
                engine.evalSetup(code);
            }
            return null;
        } catch (CellFailure failure) {
            return "extension " + name + " failed: " + String.join("\n", failure.traceback());
        } catch (Exception | LinkageError e) {
            return "extension " + name + " failed: " + e;
        }
    }
}
