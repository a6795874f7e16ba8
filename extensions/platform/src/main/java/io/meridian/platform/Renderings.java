package io.meridian.platform;

import java.util.List;
import java.util.Locale;

/** HTML and plain text for the platform's values in a notebook: a card for a module, tables for lists. */
final class Renderings {
    private static final String TABLE = "<table style=\"border-collapse:collapse\">";
    private static final String CELL = "<td style=\"padding:2px 10px;text-align:left\">";

    private Renderings() {
    }

    static String moduleCard(Module m) {
        StringBuilder html = new StringBuilder("<div style=\"border:1px solid #bbb;border-radius:6px;padding:8px 14px;max-width:52em\">");
        html.append("<div><b>").append(esc(m.title())).append("</b> <code>").append(esc(m.id())).append("</code></div>");
        html.append("<div>").append(esc(m.summary())).append("</div>");
        html.append("<div style=\"margin-top:4px\">image <code>").append(esc(m.image() == null ? "(none)" : m.image()))
                .append("</code>").append(m.port() > 0 ? " · DEEPaaS port " + m.port() : "").append("</div>");
        html.append(chips("tasks", m.tasks())).append(chips("data", m.dataTypes())).append(chips("tags", m.tags()));
        if (m.links() != null && m.links().get("source_code") != null) {
            html.append("<div><a href=\"").append(esc(m.links().get("source_code"))).append("\" target=\"_blank\">source code</a></div>");
        }
        return html.append("</div>").toString();
    }

    static String moduleText(Module m) {
        return m.title() + " [" + m.id() + "] " + m.summary() + " (image " + m.image() + ")";
    }

    static String moduleTable(ModuleList modules) {
        if (modules.isEmpty()) {
            return "<i>no modules found</i>";
        }
        StringBuilder html = new StringBuilder(TABLE).append("<tr><th>id</th><th>title</th><th>tasks</th><th>data</th><th>image</th></tr>");
        for (Module m : modules) {
            html.append("<tr>").append(CELL).append("<code>").append(esc(m.id())).append("</code></td>")
                    .append(CELL).append(esc(m.title())).append("</td>")
                    .append(CELL).append(esc(join(m.tasks()))).append("</td>")
                    .append(CELL).append(esc(join(m.dataTypes()))).append("</td>")
                    .append(CELL).append("<code>").append(esc(m.image() == null ? "" : m.image())).append("</code></td></tr>");
        }
        return html.append("</table>").toString();
    }

    static String moduleLines(ModuleList modules) {
        StringBuilder text = new StringBuilder();
        modules.forEach(m -> text.append(m.id()).append("  ").append(m.title()).append('\n'));
        return text.length() == 0 ? "no modules found" : text.toString().stripTrailing();
    }

    static String listingTable(Listing listing) {
        StringBuilder html = new StringBuilder("<div><code>").append(esc(listing.path())).append("</code> (")
                .append(esc(listing.backend())).append(", ").append(listing.size()).append(listing.size() == 1 ? " entry" : " entries")
                .append(")</div>");
        if (listing.isEmpty()) {
            return html.toString();
        }
        html.append(TABLE).append("<tr><th>name</th><th style=\"text-align:right\">size</th><th>modified</th><th>type</th></tr>");
        for (StorageEntry e : listing) {
            html.append("<tr>").append(CELL).append(esc(e.name())).append(e.isDirectory() ? "/" : "").append("</td>")
                    .append("<td style=\"padding:2px 10px;text-align:right\">").append(e.isDirectory() ? "" : humanSize(e.size())).append("</td>")
                    .append(CELL).append(esc(e.modified() == null ? "" : e.modified().replace('T', ' ').replaceAll("\\.\\d+Z$", "Z"))).append("</td>")
                    .append(CELL).append(esc(e.isDirectory() ? "folder" : e.contentType() == null ? "" : e.contentType())).append("</td></tr>");
        }
        return html.append("</table>").toString();
    }

    static String listingLines(Listing listing) {
        StringBuilder text = new StringBuilder(listing.path()).append(" (").append(listing.backend()).append(")\n");
        for (StorageEntry e : listing) {
            text.append(String.format(Locale.ROOT, "%10s  %s%n", e.isDirectory() ? "" : humanSize(e.size()),
                    e.name() + (e.isDirectory() ? "/" : "")));
        }
        return text.toString().stripTrailing();
    }

    /** 1536 -> "1.5 KiB"; bytes below 1 KiB as "512 B". */
    static String humanSize(Long bytes) {
        if (bytes == null) {
            return "";
        }
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, value < 10 ? "%.1f %s" : "%.0f %s", value, units[unit]);
    }

    static String esc(String text) {
        if (text == null) {
            return "";
        }
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }

    private static String chips(String label, List<String> values) {
        if (values == null || values.isEmpty()) {
            return "";
        }
        StringBuilder html = new StringBuilder("<div style=\"margin-top:2px\"><span style=\"color:#666\">").append(label).append("</span> ");
        for (String v : values) {
            html.append("<span style=\"background:#eef;border-radius:3px;padding:0 5px;margin-right:3px\">").append(esc(v)).append("</span>");
        }
        return html.append("</div>").toString();
    }

    private static String join(List<String> values) {
        return values == null ? "" : String.join(", ", values);
    }
}
