package io.meridian.platform;

import io.meridian.kernel.display.MimeBundle;
import io.meridian.kernel.spi.ExtensionContext;
import io.meridian.kernel.spi.KernelExtension;

import java.util.List;

/** Gives every notebook cell a {@code platform} variable and shows platform values as cards and tables. */
public final class PlatformExtension implements KernelExtension {

    @Override
    public String name() {
        return "meridian-platform";
    }

    @Override
    public List<String> imports() {
        return List.of("io.meridian.platform.Platform", "io.meridian.platform.PlatformException");
    }

    @Override
    public List<String> initCode() {
        return List.of("Platform platform = Platform.fromEnvironment();");
    }

    @Override
    public void register(ExtensionContext context) {
        context.renderers().register(Module.class,
                m -> MimeBundle.of("text/html", Renderings.moduleCard(m), Renderings.moduleText(m)));
        context.renderers().register(ModuleList.class,
                l -> MimeBundle.of("text/html", Renderings.moduleTable(l), Renderings.moduleLines(l)));
        context.renderers().register(Listing.class,
                l -> MimeBundle.of("text/html", Renderings.listingTable(l), Renderings.listingLines(l)));
    }
}
