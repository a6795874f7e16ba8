// Deployments and trainings: state, endpoints, logs, training progress, cancel and delete.
import { action, api, h, stateLabel, table } from "./lib.js";

const listOf = (data, key) => (Array.isArray(data) ? data : (data && data[key]) || []);

export async function deployments(root) {
  const deps = h("div");
  const trains = h("div");
  const logs = h("section", { "aria-live": "polite" });

  async function refresh() {
    const [d, t] = await Promise.all([api("GET", "/api/v1/deployments"), api("GET", "/api/v1/trainings")]);
    const drows = listOf(d, "deployments").map((x) => h("tr", { "data-deployment": x.id },
      h("td", {}, h("code", {}, x.id.slice(0, 12)), h("div", { class: "muted" }, x.module || x.image || "")),
      h("td", {}, stateLabel(x.state), x.message ? h("div", { class: "muted" }, x.message) : null),
      h("td", {}, Object.entries(x.endpoints || {}).map(([k, v]) => h("div", {}, h("a", { href: v }, k)))),
      h("td", {}, h("div", { class: "actions" },
        action("Logs", async () => {
          const text = (await api("GET", `/api/v1/deployments/${x.id}/logs?tail=200`)).logs || "(no output yet)";
          logs.replaceChildren(h("h3", {}, `Logs of ${x.id.slice(0, 12)}`), h("pre", { class: "logs" }, text));
        }),
        action("Delete", async () => { await api("DELETE", `/api/v1/deployments/${x.id}`); await refresh(); }, { class: "danger" })))));
    deps.replaceChildren(drows.length ? table(["Deployment", "State", "Endpoints", "Actions"], drows) : h("p", { class: "muted" }, "No deployments yet; deploy one from the catalog."));
    const trows = listOf(t, "trainings").map((x) => h("tr", { "data-training": x.id },
      h("td", {}, h("code", {}, x.id.slice(0, 12)), h("div", { class: "muted" }, `on ${(x.deployment || "").slice(0, 12)}`)),
      h("td", {}, stateLabel(x.status), x.message ? h("div", { class: "muted" }, x.message) : null),
      h("td", {}, typeof x.progress === "number" ? h("progress", { max: 1, value: x.progress, "aria-label": "progress" }) : "–",
        Object.entries(x.metrics || {}).map(([k, v]) => h("div", { class: "muted" }, `${k}: ${typeof v === "number" ? +v.toPrecision(4) : v}`))),
      h("td", {}, x.status === "running" ? action("Cancel", async () => { await api("DELETE", `/api/v1/trainings/${x.id}`); await refresh(); }, { class: "danger" }) : "")));
    trains.replaceChildren(trows.length ? table(["Training", "Status", "Progress", ""], trows) : h("p", { class: "muted" }, "No trainings."));
  }

  await refresh();
  const timer = setInterval(() => refresh().catch(() => {}), 5000);
  root.append(h("h2", {}, "Deployments"), deps, h("h2", {}, "Trainings"), trains, logs);
  return () => clearInterval(timer);
}
