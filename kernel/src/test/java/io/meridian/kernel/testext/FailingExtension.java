package io.meridian.kernel.testext;

import io.meridian.kernel.spi.ExtensionContext;
import io.meridian.kernel.spi.KernelExtension;

/** A test extension that fails while registering, which the kernel must report and survive. */
public final class FailingExtension implements KernelExtension {

    @Override
    public String name() {
        return "failing";
    }

    @Override
    public void register(ExtensionContext context) {
        throw new IllegalStateException("this extension always fails to register");
    }
}
