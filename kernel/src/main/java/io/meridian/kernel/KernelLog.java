package io.meridian.kernel;

import java.io.PrintStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The kernel's own diagnostics, on the process's real stderr (which Jupyter keeps in its log). */
public final class KernelLog {

    private static volatile PrintStream err = System.err;
    private static final Set<String> ONCE = ConcurrentHashMap.newKeySet();

    private KernelLog() {
    }

    /** Keeps the process's stderr for the log before the kernel points System.err at the notebook. */
    static void keep(PrintStream processStderr) {
        err = processStderr;
    }

    public static void warn(String message) {
        err.println("[meridian-kernel] " + message);
        err.flush();
    }

    /** Logs a message the first time {@code key} is seen; repeats (e.g. a flood of bad messages) stay quiet. */
    public static void once(String key, String message) {
        if (ONCE.add(key)) {
            warn(message + " (further occurrences are not logged)");
        }
    }
}
