package io.meridian.kernel;

import java.io.PrintStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The kernel's own diagnostics, on the process's real stderr (which Jupyter keeps in its log). */
public final class KernelLog {

    private static final PrintStream ERR = System.err;
    private static final Set<String> ONCE = ConcurrentHashMap.newKeySet();

    private KernelLog() {
    }

    public static void warn(String message) {
        ERR.println("[meridian-kernel] " + message);
        ERR.flush();
    }

    /** Logs a message the first time {@code key} is seen; repeats (e.g. a flood of bad messages) stay quiet. */
    public static void once(String key, String message) {
        if (ONCE.add(key)) {
            warn(message + " (further occurrences are not logged)");
        }
    }
}
