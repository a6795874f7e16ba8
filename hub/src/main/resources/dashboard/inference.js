// Inference services: create one from a catalog module or an allowed image, invoke it with an input, delete it.
import { action, api, apiText, clearError, h, showError, stateLabel, table } from "./lib.js";

const servicePath = (name) => `/api/v1/inference/${encodeURIComponent(name)}`;

/** Runs one prediction; the answer is shown pretty-printed when it is JSON, as it came otherwise. */
async function invoke(s, input) {
  const type = s.backend === "local" ? "application/json" : "application/octet-stream";
  const text = await apiText("POST", servicePath(s.name) + "/invoke", input, type);
  try { return JSON.stringify(JSON.parse(text), null, 2); } catch (e) { return text; }
}

function stateOf(s) {
  if (s.deployment) return s.deployment.state;
  return s.backend === "oscar" ? "on OSCAR" : "gone";
}

export async function inference(root) {
  const [{ backends }, modules] = await Promise.all([
    api("GET", "/api/v1/inference/backends"),
    api("GET", "/api/v1/catalog/modules/detail"),
  ]);
  const list = h("div", { id: "inference-list" });
  const panel = h("section", { "aria-live": "polite", id: "inference-invoke" });
  const status = h("p", { "aria-live": "polite", id: "inference-status" });
  let invoking = null;

  function openInvoke(s) {
    const input = h("textarea", { id: "invoke-input", rows: 6, spellcheck: "false" },
      s.backend === "local" ? "{}" : "");
    const output = h("pre", { class: "logs", id: "invoke-output", hidden: true });
    const form = h("form", { class: "card" },
      h("h3", {}, `Invoke ${s.name}`),
      h("label", { for: "invoke-input" }, s.backend === "local" ? "Input (a JSON object of the model's predict arguments)" : "Input (sent as is)"),
      input,
      h("p", {}, h("button", { type: "submit", class: "primary" }, "Run")),
      output);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearError();
      const button = form.querySelector("button");
      button.disabled = true;
      output.hidden = true;
      try {
        output.textContent = await invoke(s, input.value);
        output.hidden = false;
      } catch (e) { showError(e); } finally { button.disabled = false; }
    });
    panel.replaceChildren(form);
    invoking = s.name;
    input.focus();
  }

  async function refresh() {
    const services = await api("GET", "/api/v1/inference");
    const rows = services.map((s) => h("tr", { "data-service": s.name },
      h("td", {}, s.name),
      h("td", {}, s.backend),
      h("td", { class: "hide-narrow" }, h("code", {}, s.image || "")),
      h("td", {}, stateLabel(stateOf(s)), s.deployment && s.deployment.message ? h("div", { class: "muted" }, s.deployment.message) : null),
      h("td", {}, h("div", { class: "actions" },
        action(`Invoke ${s.name}`, async () => openInvoke(s), { class: "primary" }),
        action(`Delete ${s.name}`, async () => {
          if (!confirm(`Delete the inference service ${s.name}?`)) return;
          await api("DELETE", servicePath(s.name));
          if (invoking === s.name) { panel.replaceChildren(); invoking = null; }
          await refresh();
        }, { class: "danger" })))));
    list.replaceChildren(rows.length ? table(["Service", "Backend", "Image", "State", "Actions"], rows, ["Image"])
      : h("p", { class: "muted" }, "No inference services yet."));
  }

  const deployable = modules.filter((m) => m.image);
  const form = h("form", { class: "inline card", id: "new-inference" },
    h("span", {}, h("label", { for: "inference-name" }, "Name"), h("input", { id: "inference-name", autocomplete: "off" })),
    h("span", {}, h("label", { for: "inference-module" }, "Module"),
      h("select", { id: "inference-module" }, h("option", { value: "" }, "none: use the image"),
        deployable.map((m) => h("option", { value: m.id }, m.title || m.id)))),
    h("span", {}, h("label", { for: "inference-image" }, "or image"), h("input", { id: "inference-image", autocomplete: "off" })),
    h("span", {}, h("label", { for: "inference-backend" }, "Backend"),
      h("select", { id: "inference-backend" }, backends.map((b) => h("option", { value: b }, b)))),
    h("button", { type: "submit", class: "primary" }, "Create service"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearError();
    const value = (id) => form.querySelector(id).value.trim();
    const body = { name: value("#inference-name"), backend: value("#inference-backend") };
    if (value("#inference-module")) body.module = value("#inference-module");
    else if (value("#inference-image")) body.image = value("#inference-image");
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    status.textContent = `Creating ${body.name || "the service"}: starting its container can take a minute…`;
    try {
      const created = await api("POST", "/api/v1/inference", body);
      status.textContent = `Created ${created.name}.`;
      form.reset();
      await refresh();
    } catch (e) { status.textContent = ""; showError(e); } finally { button.disabled = false; }
  });

  await refresh();
  const timer = setInterval(() => refresh().catch(() => {}), 5000);
  root.append(h("h2", {}, "Inference services"), form, status, list, panel);
  return () => clearInterval(timer);
}
