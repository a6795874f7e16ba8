// Admins: running servers of everyone (stop one, or all at once with progress), users, GPUs; groups and the audit
// log on their own tabs. The API enforces the same rights.
import { action, api, clearError, h, showError, stateLabel, table } from "./lib.js";
import { groups } from "./groups.js";
import { audit } from "./audit.js";

const tabs = [
  { route: "", label: "Servers and users", view: overview },
  { route: "groups", label: "Groups", view: groups },
  { route: "audit", label: "Audit log", view: audit },
];

export async function admin(root, me, [tab = ""]) {
  const current = tabs.find((t) => t.route === tab) || tabs[0];
  root.append(h("nav", { class: "subnav", "aria-label": "Admin" }, tabs.map((t) =>
    h("a", { href: t.route ? `#/admin/${t.route}` : "#/admin", "aria-current": t === current ? "page" : null }, t.label))));
  return current.view(root);
}

const serverPath = (user, name) => `/hub/api/users/${encodeURIComponent(user)}` + (name ? `/servers/${encodeURIComponent(name)}` : "/server");

function stateOf(s) {
  return s.ready ? "ready" : s.pending === "spawn" ? "starting" : s.pending === "stop" ? "stopping" : "stopped";
}

async function overview(root) {
  const users = h("div");
  const running = h("div");
  const stopAll = h("section", { "aria-live": "polite", id: "stop-all" });
  let active = [];
  let stopping = false;
  let closed = false;

  async function refresh() {
    const list = await api("GET", "/hub/api/users?limit=200");
    active = [];
    const urows = list.map((u) => {
      for (const [name, s] of Object.entries(u.servers || {})) active.push({ user: u.name, name, s });
      return h("tr", { "data-user": u.name }, h("td", {}, u.name), h("td", {}, u.admin ? "admin" : "user"),
        h("td", { class: "hide-narrow" }, u.last_activity ? new Date(u.last_activity).toLocaleString() : "–"),
        h("td", {}, Object.keys(u.servers || {}).length));
    });
    users.replaceChildren(table(["User", "Role", "Last activity", "Servers"], urows, ["Last activity"]));
    const rrows = active.map(({ user, name, s }) => h("tr", { "data-running": `${user}/${name}` },
      h("td", {}, user), h("td", {}, name || "default"), h("td", {}, stateLabel(stateOf(s))),
      h("td", {}, action(`Stop ${user}/${name || "default"}`, async () => { await api("DELETE", serverPath(user, name)); await refresh(); }, { class: "danger" }))));
    running.replaceChildren(rrows.length ? table(["User", "Server", "State", ""], rrows) : h("p", { class: "muted", id: "no-running" }, "No server is running."));
    stopAllButton.disabled = stopping || !active.length;
  }

  // Asks every server to stop, then follows the list until each is gone: the hub answers 202 for stops that take time.
  async function stopEverything() {
    const targets = active.map(({ user, name }) => `${user}/${name}`);
    if (!targets.length || !confirm(`Stop all ${targets.length} running servers?`)) return;
    stopping = true;
    const bar = h("progress", { max: targets.length, value: 0, "aria-label": "Servers stopped" });
    const text = h("p", {}, `Stopping ${targets.length} servers…`);
    const card = h("div", { class: "card", "data-stop-all": "running" }, h("h3", {}, "Stopping all servers"), bar, text);
    stopAll.replaceChildren(card);
    try {
      const asked = await Promise.allSettled(active.map(({ user, name }) => api("DELETE", serverPath(user, name))));
      const refused = asked.filter((r) => r.status === "rejected").map((r) => r.reason.message);
      const deadline = Date.now() + 120_000;
      let left = targets;
      while (true) {
        await refresh();
        const still = new Set(active.map(({ user, name }) => `${user}/${name}`));
        left = targets.filter((t) => still.has(t));
        bar.value = targets.length - left.length;
        text.textContent = `Stopped ${targets.length - left.length} of ${targets.length}.`;
        if (closed || !left.length || Date.now() > deadline || left.length === refused.length) break;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      card.dataset.stopAll = left.length ? "incomplete" : "done";
      if (refused.length) showError(new Error(`Some servers could not be stopped: ${refused.join("; ")}`));
      else if (left.length) showError(new Error(`These servers had not stopped after two minutes: ${left.join(", ")}. Look at them again later.`));
      else text.textContent = `All ${targets.length} servers stopped.`;
    } finally {
      stopping = false;
      await refresh().catch(showError);
    }
  }

  const stopAllButton = h("button", { type: "button", class: "danger", id: "stop-all-button" }, "Stop all servers");
  stopAllButton.addEventListener("click", () => { clearError(); stopEverything().catch(showError); });

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
  const timer = setInterval(() => { if (!stopping) refresh().catch(() => {}); }, 3000);
  root.append(h("h2", {}, "Running servers"), h("p", {}, stopAllButton), stopAll, running, h("h2", {}, "Users"), users, h("h2", {}, "GPUs"), gpus);
  return () => { closed = true; clearInterval(timer); };
}
