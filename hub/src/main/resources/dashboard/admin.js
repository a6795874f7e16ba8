// Admins: every user with their servers, and stopping any running one. The API enforces the same rights.
import { action, api, h, stateLabel, table } from "./lib.js";

export async function admin(root) {
  const users = h("div");
  const running = h("div");

  async function refresh() {
    const list = await api("GET", "/hub/api/users?limit=200");
    const active = [];
    const urows = list.map((u) => {
      for (const [name, s] of Object.entries(u.servers || {})) active.push({ user: u.name, name, s });
      return h("tr", { "data-user": u.name }, h("td", {}, u.name), h("td", {}, u.admin ? "admin" : "user"),
        h("td", { class: "hide-narrow" }, u.last_activity ? new Date(u.last_activity).toLocaleString() : "–"),
        h("td", {}, Object.keys(u.servers || {}).length));
    });
    users.replaceChildren(table(["User", "Role", "Last activity", "Servers"], urows, ["Last activity"]));
    const rrows = active.map(({ user, name, s }) => {
      const path = `/hub/api/users/${encodeURIComponent(user)}` + (name ? `/servers/${encodeURIComponent(name)}` : "/server");
      const state = s.ready ? "ready" : s.pending === "spawn" ? "starting" : s.pending === "stop" ? "stopping" : "stopped";
      return h("tr", { "data-running": `${user}/${name}` }, h("td", {}, user), h("td", {}, name || "default"), h("td", {}, stateLabel(state)),
        h("td", {}, action(`Stop ${user}/${name || "default"}`, async () => { await api("DELETE", path); await refresh(); }, { class: "danger" })));
    });
    running.replaceChildren(rrows.length ? table(["User", "Server", "State", ""], rrows) : h("p", { class: "muted", id: "no-running" }, "No server is running."));
  }

  const gpus = h("div");
  try {
    const list = (await api("GET", "/api/v1/admin/gpus")).gpus || [];
    gpus.replaceChildren(list.length
      ? table(["GPU", "Name", "Memory", "Held by"], list.map((g) => h("tr", { "data-gpu": g.id },
        h("td", {}, String(g.index)), h("td", {}, g.name), h("td", {}, `${g.memoryMiB} MiB`),
        h("td", {}, g.free ? "free" : (g.holders || []).map((x) => `${x.user}/${x.server || "default"}`).join(", ") + (g.shared ? " (shared)" : "")))))
      : h("p", { class: "muted" }, "This hub has no GPUs."));
  } catch (e) {
    gpus.replaceChildren(h("p", { class: "muted" }, `GPUs: ${e.message}`));
  }
  await refresh();
  const timer = setInterval(() => refresh().catch(() => {}), 3000);
  root.append(h("h2", {}, "Running servers"), running, h("h2", {}, "Users"), users, h("h2", {}, "GPUs"), gpus);
  return () => clearInterval(timer);
}
