package io.meridian.kernel.spi;

import java.util.List;

/**
 * A library's integration with the kernel, found with {@link java.util.ServiceLoader} on the kernel's
 * classpath and in the jars listed in {@code MERIDIAN_KERNEL_EXTENSIONS}. An extension that throws is
 * reported in the notebook and skipped; the kernel keeps running.
 */
public interface KernelExtension {

    /** Shown in messages about this extension. */
    default String name() {
        return getClass().getName();
    }

    /** Import declarations every cell gets, without the keyword: "java.time.*", "static org.x.Y.*". */
    default List<String> imports() {
        return List.of();
    }

    /** Java code run once after the imports, e.g. to create a client variable cells can use. */
    default List<String> initCode() {
        return List.of();
    }

    /** Registers renderers, magics and comm targets. */
    default void register(ExtensionContext context) throws Exception {
    }
}
