package io.meridian.kernel.api;

import io.meridian.kernel.comm.CommManager;
import io.meridian.kernel.display.MimeBundle;
import io.meridian.kernel.display.RendererRegistry;
import java.util.Map;

/** What the running kernel offers to cell code through {@link Notebook}. */
public interface NotebookRuntime {

    RendererRegistry renderers();

    /** Sends display_data, or update_display_data when {@code update} is true. */
    void publishDisplay(MimeBundle bundle, String displayId, boolean update);

    void clearOutput(boolean wait);

    /** Asks the frontend for a line of input; fails clearly when the request did not allow stdin. */
    String readLine(String prompt, boolean password);

    CommManager comms();

    /** Environment variables set in this session with %env, applied to child processes. */
    Map<String, String> environmentOverrides();
}
