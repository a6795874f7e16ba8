package io.meridian.hub.deployments;

import com.fasterxml.jackson.databind.JsonNode;
import io.meridian.hub.ExecutedNotebook;
import io.meridian.hub.TestHub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/examples/deploy-train.ipynb executed headless by nbconvert with the built Meridian kernel and the
 * platform extension, against a hub with real Docker: the training cell shows ONE display, updated in
 * place until it holds the final metrics table.
 */
class DeployNotebookIT {
    private static TestHub hub;
    private static ExecutedNotebook executed;

    @BeforeAll
    static void runTheNotebook() throws Exception {
        hub = TestHub.start(Files.createTempDirectory("deploy-notebook").resolve("hub"), Map.of());
        executed = ExecutedNotebook.execute("deploy-train.ipynb", hub.url("/hub/api"), hub.userWithToken("dpl-nadia"), 180);
    }

    @AfterAll
    static void stop() {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void deployPredictAndServeAnswerInCells() {
        assertEquals("\"running\"", executed.result("deploy"));
        assertEquals("\"setosa\"", executed.result("predict"));
        assertEquals("\"virginica\"", executed.result("serve"));
        assertEquals("0", executed.result("cleanup"));
    }

    @Test
    void trainingShowsOneDisplayUpdatedInPlaceToTheFinalMetrics() {
        assertEquals("\"done\"", executed.result("train"));
        List<JsonNode> displays = new ArrayList<>();
        executed.outputsWithoutError("train").forEach(o -> {
            if (o.path("output_type").asText().equals("display_data")) {
                displays.add(o);
            }
        });
        assertEquals(1, displays.size(), "one progress display, not one per update: " + executed.outputsWithoutError("train"));
        String html = ExecutedNotebook.text(displays.getFirst().path("data").path("text/html"));
        assertTrue(html.contains("<b>done</b>") && html.contains(">loss<") && html.contains("test_accuracy"), html);
    }
}
