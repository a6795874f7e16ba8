package io.meridian.platform;

import io.meridian.kernel.comm.CommManager;
import io.meridian.kernel.display.MimeBundle;
import io.meridian.kernel.display.RendererRegistry;
import io.meridian.kernel.engine.CellResult;
import io.meridian.kernel.engine.JShellEngine;
import io.meridian.kernel.magics.Magic;
import io.meridian.kernel.magics.MagicRegistry;
import io.meridian.kernel.spi.ExtensionContext;
import io.meridian.kernel.spi.ExtensionLoader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The extension as the real kernel engine loads it: ServiceLoader discovery, imports, init code, renderers. */
class KernelLoadingTest {
    private static JShellEngine engine;
    private static final RendererRegistry renderers = RendererRegistry.withDefaults();
    private static List<String> problems;

    @BeforeAll
    static void loadIntoTheKernel() {
        MagicRegistry magics = new MagicRegistry();
        engine = new JShellEngine(KernelLoadingTest.class.getClassLoader(), renderers, magics, new java.util.HashMap<>(),
                new PrintStream(new ByteArrayOutputStream()));
        problems = ExtensionLoader.loadAll(engine, null, new ExtensionContext() {
            @Override
            public RendererRegistry renderers() {
                return renderers;
            }

            @Override
            public void registerMagic(Magic magic) {
                magics.register(magic);
            }

            @Override
            public CommManager comms() {
                return new CommManager((type, content) -> { });
            }
        });
    }

    @Test
    void everyCellHasAPlatformObject() {
        assertEquals(List.of(), problems);
        CellResult result = engine.execute("platform", 1);
        assertTrue(result.ok(), String.valueOf(result.failure()));
        assertTrue(String.valueOf(result.value().data().get("text/plain")).contains("MERIDIAN_HUB_API_URL"));
    }

    @Test
    void aPlatformErrorIsOneLineInTheNotebook() {
        CellResult result = engine.execute("platform.modules().search(\"iris\")", 2);
        assertEquals(1, result.failure().traceback().size(), String.join("\n", result.failure().traceback()));
        assertTrue(result.failure().traceback().get(0).startsWith("io.meridian.platform.PlatformException: not connected to a Meridian hub"));
    }

    @Test
    void listingsAndModulesRenderAsHtml() {
        Listing listing = new Listing("/", "local", List.of(new StorageEntry("/a.csv", "a.csv", "file", 2048L, null, null, "text/csv")));
        MimeBundle bundle = renderers.render(listing).orElseThrow();
        assertTrue(String.valueOf(bundle.data().get("text/html")).contains("2.0 KiB"));
        Module module = new Module("m", "M", "s", null, List.of(), List.of(), List.of(), List.of(), List.of(), "x/y", 5000, Map.of());
        assertTrue(String.valueOf(renderers.render(module).orElseThrow().data().get("text/html")).contains("x/y"));
        assertTrue(String.valueOf(renderers.render(new ModuleList(List.of(module))).orElseThrow().data().get("text/html"))
                .startsWith("<table"));
    }
}
