package io.meridian.kernel.display;

import io.meridian.kernel.api.Notebook;

/** A shown output that can be replaced in place later; a cell ending in a display call shows nothing more. */
public record DisplayHandle(String id) {

    public void update(Object value) {
        Notebook.updateDisplay(this, value);
    }
}
