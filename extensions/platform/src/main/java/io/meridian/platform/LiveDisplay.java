package io.meridian.platform;

import io.meridian.kernel.api.Notebook;
import io.meridian.kernel.display.DisplayHandle;
import io.meridian.kernel.display.MimeBundle;

/**
 * One HTML output replaced in place (the kernel's display / update_display): training and transfer progress.
 * Outside a Meridian kernel (plain Java, tests) the kernel classes are absent or not installed, and nothing
 * is shown.
 */
public final class LiveDisplay {
    private final DisplayHandle handle;

    private LiveDisplay(DisplayHandle handle) {
        this.handle = handle;
    }

    public static LiveDisplay show(String html) {
        try {
            return new LiveDisplay(Notebook.display(MimeBundle.of("text/html", html, text(html))));
        } catch (IllegalStateException | NoClassDefFoundError notInAKernel) {
            return new LiveDisplay(null);
        }
    }

    public void update(String html) {
        if (handle != null) {
            Notebook.updateDisplay(handle, Notebook.html(html));
        }
    }

    /** Whether the output went to a notebook (false outside a kernel). */
    public boolean shown() {
        return handle != null;
    }

    /** The plain-text form of an HTML fragment, for front ends that do not render HTML. */
    public static String text(String html) {
        return html.replaceAll("<[^>]+>", " ").replaceAll("\\s+", " ").strip();
    }
}
