package io.meridian.platform.deploy;

import io.meridian.kernel.api.Notebook;
import io.meridian.kernel.display.DisplayHandle;
import io.meridian.kernel.display.MimeBundle;

/**
 * One HTML output replaced in place (the kernel's display / update_display). Outside a Meridian kernel
 * (plain Java, tests) the kernel classes are absent or not installed, and nothing is shown.
 */
final class LiveDisplay {
    private final DisplayHandle handle;

    private LiveDisplay(DisplayHandle handle) {
        this.handle = handle;
    }

    static LiveDisplay show(String html) {
        try {
            return new LiveDisplay(Notebook.display(MimeBundle.of("text/html", html, ProgressHtml.text(html))));
        } catch (IllegalStateException | NoClassDefFoundError notInAKernel) {
            return new LiveDisplay(null);
        }
    }

    void update(String html) {
        if (handle != null) {
            Notebook.updateDisplay(handle, Notebook.html(html));
        }
    }
}
