package io.meridian.kernel.spi;

import io.meridian.kernel.comm.CommManager;
import io.meridian.kernel.display.RendererRegistry;
import io.meridian.kernel.magics.Magic;

/** The kernel services an extension may extend. */
public interface ExtensionContext {

    RendererRegistry renderers();

    void registerMagic(Magic magic);

    CommManager comms();
}
