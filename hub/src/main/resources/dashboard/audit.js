// Admins: the audit log of admin changes, newest first, a page at a time, optionally only one admin's.
import { api, clearError, h, showError, table } from "./lib.js";

const PAGE = 25;

export async function audit(root) {
  let offset = 0;
  let actor = "";
  const list = h("div", { id: "audit-list" });
  const where = h("span", { class: "muted", id: "audit-page" });
  const previous = h("button", { type: "button" }, "Previous page");
  const next = h("button", { type: "button" }, "Next page");

  // A filter the hub refused leaves the shown pages as they were.
  async function load(at, who = actor) {
    const query = new URLSearchParams({ offset: String(at), limit: String(PAGE) });
    if (who) query.set("actor", who);
    const { entries } = await api("GET", "/api/v1/admin/audit?" + query);
    offset = at;
    actor = who;
    list.replaceChildren(entries.length
      ? table(["When", "Who", "Call", "Answer", "Via"], entries.map((e) => h("tr", { "data-audit": e.id },
        h("td", {}, new Date(e.at).toLocaleString()), h("td", {}, e.actor),
        h("td", {}, h("code", {}, `${e.method} ${e.path}`)), h("td", {}, String(e.status)), h("td", { class: "hide-narrow" }, e.via))), ["Via"])
      : h("p", { class: "muted" }, actor ? `No entries by ${actor}${at ? " on this page" : ""}.` : "No entries."));
    where.textContent = entries.length ? `Entries ${at + 1}–${at + entries.length}` : "";
    previous.disabled = at === 0;
    // The API gives no total: a full page may have a next one, a short page is the last.
    next.disabled = entries.length < PAGE;
  }

  const turn = (at, who) => { clearError(); load(at, who).catch(showError); };
  previous.addEventListener("click", () => turn(Math.max(0, offset - PAGE)));
  next.addEventListener("click", () => turn(offset + PAGE));
  const form = h("form", { class: "inline card", id: "audit-filter" },
    h("span", {}, h("label", { for: "audit-actor" }, "Only changes by (user name; empty: everyone)"), h("input", { id: "audit-actor", autocomplete: "off" })),
    h("button", { type: "submit", class: "primary" }, "Show"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    turn(0, form.querySelector("#audit-actor").value.trim());
  });

  await load(0);
  root.append(h("h2", {}, "Audit log"), form, list, h("p", { class: "actions" }, previous, next, where));
}
