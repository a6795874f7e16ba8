package io.meridian.platform.deploy;

import io.meridian.platform.LiveDisplay;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressHtmlTest {

    private static Training training(String json) throws Exception {
        JsonNode node = PlatformHttp.JSON.readTree(json);
        return new Training(null, node);
    }

    @Test
    void barShowsPercentMetricsAndEscapesTheModulesMessage() throws Exception {
        Training t = training("""
                {"id": "a1", "status": "running", "progress": 0.42, "metrics": {"loss": 0.123456, "epoch": 42},
                 "message": "<script>x</script>"}""");
        String html = ProgressHtml.bar(t);
        assertTrue(html.contains("42%"), html);
        assertTrue(html.contains("width:42%"), html);
        assertTrue(html.contains("loss=0.1235"), html);
        assertTrue(html.contains("&lt;script&gt;"), html);
        assertFalse(html.contains("<script>"), html);
        assertEquals("training a1 running 42% loss=0.1235 epoch=42.00 &lt;script&gt;x&lt;/script&gt;", LiveDisplay.text(html));
    }

    @Test
    void summaryIsATableOfTheFinalMetricsAndScalarResults() throws Exception {
        Training t = training("""
                {"id": "a1", "status": "done", "progress": 1.0, "metrics": {"loss": 0.05},
                 "result": {"test_accuracy": 0.97, "model_file": "/m/iris.json", "nested": {"x": 1}}}""");
        String html = ProgressHtml.summary(t);
        assertTrue(html.contains("<b>done</b>"), html);
        assertTrue(html.contains("<td style=\"padding:2px 10px\">loss</td><td style=\"padding:2px 10px\">0.05000</td>"), html);
        assertTrue(html.contains("test_accuracy") && html.contains("0.97"), html);
        assertFalse(html.contains("nested"), html);
    }

    @Test
    void withoutReportedProgressTheBarSaysNoPercent() throws Exception {
        Training t = training("{\"id\": \"b2\", \"status\": \"running\", \"progress\": null}");
        assertEquals(-1, t.progress());
        assertFalse(LiveDisplay.text(ProgressHtml.bar(t)).contains("%"));
    }
}
