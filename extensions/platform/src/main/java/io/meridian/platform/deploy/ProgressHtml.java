package io.meridian.platform.deploy;

import java.util.Map;

/** The training progress bar and the final metrics table, as HTML. */
final class ProgressHtml {
    private ProgressHtml() {
    }

    static String bar(Training t) {
        double p = Math.max(0, t.progress());
        int percent = (int) Math.round(p * 100);
        StringBuilder html = new StringBuilder("<div style=\"font-family:monospace\">training <code>")
                .append(esc(t.id())).append("</code> ").append(esc(t.status())).append(' ')
                .append(t.progress() >= 0 ? percent + "%" : "").append("<div style=\"width:30em;border:1px solid #888;height:0.9em\">")
                .append("<div style=\"width:").append(percent).append("%;height:100%;background:#4a8\"></div></div>");
        Map<String, Double> metrics = t.metrics();
        if (!metrics.isEmpty()) {
            StringBuilder line = new StringBuilder();
            metrics.forEach((k, v) -> line.append(esc(k)).append('=').append(String.format("%.4g", v)).append("  "));
            html.append("<div>").append(line.toString().strip()).append("</div>");
        }
        if (t.message() != null) {
            html.append("<div style=\"color:#b00\">").append(esc(t.message())).append("</div>");
        }
        return html.append("</div>").toString();
    }

    static String summary(Training t) {
        StringBuilder html = new StringBuilder("<div>training <code>").append(esc(t.id())).append("</code> <b>")
                .append(esc(t.status())).append("</b>");
        if (t.message() != null) {
            html.append(": ").append(esc(t.message()));
        }
        html.append("</div><table style=\"border-collapse:collapse\"><tr><th>metric</th><th>value</th></tr>");
        t.metrics().forEach((k, v) -> html.append("<tr><td style=\"padding:2px 10px\">").append(esc(k))
                .append("</td><td style=\"padding:2px 10px\">").append(String.format("%.4g", v)).append("</td></tr>"));
        if (t.result().isObject()) {
            t.result().fields().forEachRemaining(e -> {
                if (e.getValue().isValueNode()) {
                    html.append("<tr><td style=\"padding:2px 10px\">").append(esc(e.getKey()))
                            .append("</td><td style=\"padding:2px 10px\">").append(esc(e.getValue().asText())).append("</td></tr>");
                }
            });
        }
        return html.append("</table>").toString();
    }

    private static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
