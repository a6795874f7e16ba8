package io.meridian.platform;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RenderingsTest {
    @Test
    void sizesReadLikeAFileManagers() {
        assertEquals("0 B", Renderings.humanSize(0L));
        assertEquals("1023 B", Renderings.humanSize(1023L));
        assertEquals("1.5 KiB", Renderings.humanSize(1536L));
        assertEquals("20 MiB", Renderings.humanSize(20L * 1024 * 1024));
        assertEquals("1.0 GiB", Renderings.humanSize(1024L * 1024 * 1024));
        assertEquals("", Renderings.humanSize(null));
    }

    @Test
    void aModuleCardShowsItsImageAndEscapesMarkup() {
        Module m = new Module("iris-classifier", "Iris <b>classifier</b>", "Classifies & predicts", null,
                List.of("java"), List.of("Classification"), List.of(), List.of(), List.of("Tabular"),
                "meridian/module-iris", 5000, Map.of("source_code", "https://example.org/\"x"));
        String html = Renderings.moduleCard(m);
        assertTrue(html.contains("meridian/module-iris"));
        assertTrue(html.contains("DEEPaaS port 5000"));
        assertTrue(html.contains("Iris &lt;b&gt;classifier&lt;/b&gt;"));
        assertTrue(html.contains("Classifies &amp; predicts"));
        assertFalse(html.contains("\"x\""));
    }

    @Test
    void listingsAreTablesWithHumanSizes() {
        Listing listing = new Listing("/data", "local", List.of(
                new StorageEntry("/data/iris.csv", "iris.csv", "file", 4608L, "2026-11-29T21:00:00.000000Z", null, "text/csv"),
                new StorageEntry("/data/raw", "raw", "directory", null, null, null, null)));
        String html = Renderings.listingTable(listing);
        assertTrue(html.contains("<td style=\"padding:2px 10px;text-align:right\">4.5 KiB</td>"), html);
        assertTrue(html.contains("raw/"));
        assertTrue(html.contains("2026-11-29 21:00:00Z"));
        assertTrue(Renderings.listingLines(listing).contains("4.5 KiB  iris.csv"));
    }
}
