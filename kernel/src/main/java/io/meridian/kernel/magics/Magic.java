package io.meridian.kernel.magics;

/**
 * A line magic: a leading {@code %name args} line of a cell. A magic that takes the cell body gets the
 * rest of the cell as its arguments when its line has none (so {@code %time} alone times the whole cell).
 */
public interface Magic {

    String name();

    /** One line for %lsmagic. */
    String description();

    default boolean takesCellBody() {
        return false;
    }

    void run(String args, MagicContext context) throws Exception;

    /** A magic from a lambda. */
    static Magic of(String name, String description, boolean takesCellBody, Body body) {
        return new Magic() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String description() {
                return description;
            }

            @Override
            public boolean takesCellBody() {
                return takesCellBody;
            }

            @Override
            public void run(String args, MagicContext context) throws Exception {
                body.run(args, context);
            }
        };
    }

    @FunctionalInterface
    interface Body {
        void run(String args, MagicContext context) throws Exception;
    }
}
