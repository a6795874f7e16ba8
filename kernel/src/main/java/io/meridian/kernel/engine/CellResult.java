package io.meridian.kernel.engine;

import io.meridian.kernel.display.MimeBundle;
import java.util.List;

/**
 * The outcome of one cell: the last expression's rendering (null when the cell ends in a statement or
 * failed), the failure if any, and texts the cell asked to show in the pager.
 */
public record CellResult(MimeBundle value, CellFailure failure, List<String> pages) {

    public boolean ok() {
        return failure == null;
    }
}
