// The module catalog: search, filter by tags / tasks / categories, a module's page, and deploying it.
import { api, h, showError } from "./lib.js";

const FACETS = ["tags", "tasks", "categories"];

export async function catalog(root, me, [moduleId]) {
  if (moduleId) return detail(root, moduleId);
  const all = await api("GET", "/api/v1/catalog/modules/detail");
  const params = new URLSearchParams(location.hash.split("?")[1] || "");
  const form = h("form", { class: "inline card", role: "search", id: "catalog-filter" },
    h("span", {}, h("label", { for: "catalog-q" }, "Search"), h("input", { id: "catalog-q", type: "search", name: "q", value: params.get("q") || "" })),
    FACETS.map((facet) => {
      const values = [...new Set(all.flatMap((m) => m[facet] || []))].sort();
      return h("span", {}, h("label", { for: `catalog-${facet}` }, facet[0].toUpperCase() + facet.slice(1)),
        h("select", { id: `catalog-${facet}`, name: facet }, h("option", { value: "" }, "any"), values.map((v) => h("option", { value: v }, v))));
    }),
    h("button", { type: "submit", class: "primary" }, "Filter"));
  const results = h("div", { class: "grid", id: "catalog-results", "aria-live": "polite" });

  async function search() {
    const query = new URLSearchParams();
    for (const [key, value] of new FormData(form)) if (value) query.set(key, value);
    const modules = await api("GET", "/api/v1/catalog/modules/detail?" + query);
    results.replaceChildren(...(modules.length ? modules.map(card) : [h("p", { class: "muted" }, "No module matches these filters.")]));
  }
  form.addEventListener("submit", (event) => { event.preventDefault(); search().catch(showError); });
  form.addEventListener("change", () => search().catch(showError));
  root.append(h("h2", {}, "Catalog"), form, results);
  await search();
}

function card(m) {
  return h("article", { class: "card", "data-module": m.id },
    h("h3", {}, h("a", { href: `#/catalog/${encodeURIComponent(m.id)}` }, m.title || m.id)),
    h("p", {}, m.summary || ""),
    h("p", {}, (m.tags || []).map((t) => h("span", { class: "tag" }, t))));
}

async function detail(root, id) {
  const m = await api("GET", `/api/v1/catalog/modules/${encodeURIComponent(id)}`);
  root.append(h("p", {}, h("a", { href: "#/catalog" }, "← Catalog")),
    h("h2", {}, m.title || m.id),
    h("p", {}, m.summary || ""),
    h("p", {}, (m.tags || []).map((t) => h("span", { class: "tag" }, t))),
    h("p", { class: "muted" }, `Image: ${m.image || "none"} · tasks: ${(m.tasks || []).join(", ") || "–"} · categories: ${(m.categories || []).join(", ") || "–"}`),
    h("div", { class: "card" }, m.description || ""),
    await deployForm(m));
}

async function deployForm(m) {
  const section = h("section", { class: "card", id: "deploy" }, h("h3", {}, "Deploy"));
  const purpose = h("select", { id: "deploy-purpose" }, h("option", { value: "inference" }, "inference"), h("option", { value: "training" }, "training"));
  const fields = h("div", { class: "fields" });
  const warnings = h("ul");
  async function load() {
    const config = await api("GET", `/api/v1/catalog/modules/${encodeURIComponent(m.id)}/config?purpose=${purpose.value}`);
    const g = config.granted || {};
    fields.replaceChildren(
      ...["cpu", "memory_mb", "gpu"].map((key) => h("span", {},
        h("label", { for: `deploy-${key}` }, { cpu: "CPUs", memory_mb: "Memory (MB)", gpu: "GPUs" }[key]),
        h("input", { id: `deploy-${key}`, type: "number", min: 0, value: g[key] ?? 0, required: true }))));
    warnings.replaceChildren(...(config.warnings || []).map((w) => h("li", {}, w)));
  }
  purpose.addEventListener("change", () => load().catch(showError));
  const form = h("form", { class: "inline" }, h("span", {}, h("label", { for: "deploy-purpose" }, "Purpose"), purpose), fields,
    h("button", { type: "submit", class: "primary" }, "Deploy"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const resources = {};
    for (const key of ["cpu", "memory_mb", "gpu"]) resources[key] = Number(form.querySelector(`#deploy-${key}`).value);
    try {
      await api("POST", "/api/v1/deployments", { module: m.id, purpose: purpose.value, resources });
      location.hash = "#/deployments";
    } catch (e) { showError(e); }
  });
  section.append(form, warnings);
  if (!m.image) {
    section.append(h("p", { class: "muted" }, "This module has no container image, so it cannot be deployed."));
    form.querySelector("button").disabled = true;
  }
  await load().catch(showError);
  return section;
}
