package io.meridian.kernel.magics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MagicRegistryTest {

    private final MagicRegistry registry = new MagicRegistry();

    MagicRegistryTest() {
        BuiltinMagics.registerAll(registry);
    }

    @Test
    void leadingMagicLinesAreSplitFromTheJavaCode() {
        MagicRegistry.ParsedCell cell = registry.parse("%env A=1\n\n%classpath lib/*.jar\nint x = 1;\nx");

        assertEquals(2, cell.calls().size());
        assertEquals("A=1", cell.calls().get(0).args());
        assertEquals("classpath", cell.calls().get(1).magic().name());
        assertEquals("int x = 1;\nx", cell.code());
        assertEquals(3, cell.codeLine());
    }

    @Test
    void timeAloneOnItsLineTakesTheRestOfTheCell() {
        MagicRegistry.ParsedCell cell = registry.parse("%time\nint y = 2;\ny");

        assertEquals("int y = 2;\ny", cell.calls().get(0).args());
        assertEquals("", cell.code());
    }

    @Test
    void percentSignsInsideJavaCodeAreNotMagics() {
        MagicRegistry.ParsedCell cell = registry.parse("int r = 7 % 3;\n%env");

        assertTrue(cell.calls().isEmpty());
        assertEquals("int r = 7 % 3;\n%env", cell.code());
    }

    @Test
    void unknownMagicNamesTheLineAndPointsToLsmagic() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> registry.parse("\n%frob x"));

        assertTrue(e.getMessage().contains("%frob") && e.getMessage().contains("line 2")
                && e.getMessage().contains("%lsmagic"), e.getMessage());
    }
}
