// Your API tokens: request one (shown once), list, revoke.
import { action, api, h, showError, table } from "./lib.js";

export async function tokens(root, me) {
  const base = `/hub/api/users/${encodeURIComponent(me.name)}/tokens`;
  const list = h("div");
  const shown = h("p", { hidden: true, id: "new-token" });

  async function refresh() {
    const data = await api("GET", base);
    const rows = (data.api_tokens || []).map((t) => h("tr", { "data-token": t.id },
      h("td", {}, t.note || h("span", { class: "muted" }, "no note")),
      h("td", { class: "hide-narrow" }, (t.scopes || []).join(" ")),
      h("td", {}, t.expires_at ? new Date(t.expires_at).toLocaleDateString() : "never"),
      h("td", {}, action(`Revoke ${t.note || "token " + t.id}`, async () => { await api("DELETE", `${base}/${t.id}`); await refresh(); }, { class: "danger" }))));
    list.replaceChildren(rows.length ? table(["Note", "Scopes", "Expires", ""], rows, ["Scopes"]) : h("p", { class: "muted" }, "No tokens."));
  }

  const form = h("form", { class: "inline card" },
    h("span", {}, h("label", { for: "token-note" }, "Note"), h("input", { id: "token-note" })),
    h("span", {}, h("label", { for: "token-days" }, "Expires in days (0: never)"), h("input", { id: "token-days", type: "number", min: 0, value: 30 })),
    h("button", { type: "submit", class: "primary" }, "Request new token"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const days = Number(form.querySelector("#token-days").value || 0);
    try {
      const token = await api("POST", base, { note: form.querySelector("#token-note").value, expires_in: days * 86400 || null });
      shown.replaceChildren("Your new token (shown only now): ", h("code", { class: "secret" }, token.token));
      shown.hidden = false;
      form.reset();
      await refresh();
    } catch (e) { showError(e); }
  });
  await refresh();
  root.append(h("h2", {}, "API tokens"), form, shown, list);
}
