package io.meridian.kernel.magics;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;

/** What a magic may do to the running cell and the session. */
public interface MagicContext {

    /** Makes jars or class folders available to this and later cells. */
    void addToClasspath(Path path);

    /** Runs Java code as part of this cell: its output and last value show as the cell's own. */
    void execute(String code) throws Exception;

    /** The cell's stdout. */
    PrintStream out();

    /** Environment variables set in this session (applied to child processes and Notebook.env). */
    Map<String, String> environment();

    /** Shows text in the frontend's pager (a "page" payload). */
    void page(String text);

    /** Documentation for the Java expression or type at the end of {@code code}, or null when unknown. */
    String documentation(String code);

    Collection<Magic> magics();
}
