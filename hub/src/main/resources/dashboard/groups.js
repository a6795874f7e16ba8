// Admins: groups with their members; create, add and remove members, delete. Unknown users and bad names are the hub's to refuse.
import { action, api, clearError, h, showError, table } from "./lib.js";

const groupPath = (name) => `/hub/api/groups/${encodeURIComponent(name)}`;
const names = (text) => text.split(/[\s,]+/).map((n) => n.trim()).filter(Boolean);

export async function groups(root) {
  const list = h("div", { id: "group-list" });

  async function refresh() {
    const all = await api("GET", "/hub/api/groups?limit=200");
    const rows = all.map((g) => {
      const add = h("form", { class: "inline", "data-add-to": g.name },
        h("label", { for: `add-${g.name}`, class: "visually-hidden" }, `Users to add to ${g.name}`),
        h("input", { id: `add-${g.name}`, placeholder: "user names", autocomplete: "off" }),
        h("button", { type: "submit" }, `Add to ${g.name}`));
      add.addEventListener("submit", async (event) => {
        event.preventDefault();
        clearError();
        try {
          await api("POST", groupPath(g.name) + "/users", { users: names(add.querySelector("input").value) });
          await refresh();
        } catch (e) { showError(e); }
      });
      return h("tr", { "data-group": g.name },
        h("td", {}, g.name),
        h("td", {}, g.users.length ? g.users.map((u) => h("span", { class: "chip", "data-member": u }, u,
          action("×", async () => {
            await api("DELETE", groupPath(g.name) + "/users", { users: [u] });
            await refresh();
          }, { "aria-label": `Remove ${u} from ${g.name}`, title: `Remove ${u} from ${g.name}` }))) : h("span", { class: "muted" }, "no members"),
        add),
        h("td", {}, action(`Delete ${g.name}`, async () => {
          if (!confirm(`Delete the group ${g.name}? Its members keep their accounts.`)) return;
          await api("DELETE", groupPath(g.name));
          await refresh();
        }, { class: "danger" })));
    });
    list.replaceChildren(rows.length ? table(["Group", "Members", ""], rows) : h("p", { class: "muted" }, "No groups yet."));
  }

  const form = h("form", { class: "inline card", id: "new-group" },
    h("span", {}, h("label", { for: "group-name" }, "New group"), h("input", { id: "group-name", autocomplete: "off" })),
    h("span", {}, h("label", { for: "group-members" }, "Members (optional, comma-separated)"), h("input", { id: "group-members", autocomplete: "off" })),
    h("button", { type: "submit", class: "primary" }, "Create group"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearError();
    const name = form.querySelector("#group-name").value.trim();
    if (!name) { showError(new Error("Give the new group a name.")); return; }
    try {
      await api("POST", groupPath(name), { users: names(form.querySelector("#group-members").value) });
      form.reset();
      await refresh();
    } catch (e) { showError(e); }
  });

  await refresh();
  root.append(h("h2", {}, "Groups"), form, list);
}
