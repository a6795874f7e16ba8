package io.meridian.kernel.engine;

/** is_complete's verdict: "complete", "incomplete" (with the indent for the next line) or "invalid". */
public record Completeness(String status, String indent) {

    static Completeness complete() {
        return new Completeness("complete", "");
    }

    static Completeness invalid() {
        return new Completeness("invalid", "");
    }
}
