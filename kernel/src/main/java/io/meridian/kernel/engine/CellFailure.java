package io.meridian.kernel.engine;

import java.util.List;

/** A cell that did not complete: a compile error, an exception, an interrupt or a failed magic. */
public final class CellFailure extends Exception {

    private final String ename;
    private final String evalue;
    private final List<String> traceback;

    public CellFailure(String ename, String evalue, List<String> traceback) {
        super(ename + ": " + evalue, null, false, false);
        this.ename = ename;
        this.evalue = evalue;
        this.traceback = List.copyOf(traceback);
    }

    public String ename() {
        return ename;
    }

    public String evalue() {
        return evalue;
    }

    public List<String> traceback() {
        return traceback;
    }
}
