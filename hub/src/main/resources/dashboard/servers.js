// Your servers: state, start (with a profile when the hub offers profiles), live progress, stop, open.
import { action, api, ApiError, bytes, h, showError, stateLabel, table } from "./lib.js";

const serverPath = (user, server) => `/hub/api/users/${encodeURIComponent(user)}` + (server ? `/servers/${encodeURIComponent(server)}` : "/server");

function stateOf(s) {
  if (s.ready) return "ready";
  if (s.pending === "spawn") return "starting";
  if (s.pending === "stop") return "stopping";
  if (s.stopped || !s.url) return "stopped";
  return s.pending || "stopped";
}

async function profiles() {
  try {
    const data = await api("GET", "/api/v1/profiles");
    const list = Array.isArray(data) ? data : (data && data.profiles) || [];
    return list.map((p) => (typeof p === "string" ? { name: p } : p));
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 405)) return [];
    throw e;
  }
}

function profileLabel(p) {
  const parts = [];
  if (p.cpus) parts.push(`${p.cpus} CPU`);
  if (p.memoryBytes) parts.push(bytes(p.memoryBytes));
  if (p.gpus) parts.push(`${p.gpus} GPU${p.gpuSharing ? " (shared)" : ""}`);
  return (p.displayName || p.name) + (parts.length ? ` (${parts.join(", ")})` : "");
}

export async function servers(root, me) {
  const sources = new Set();
  let poll = null;
  let closed = false;
  const offered = await profiles();
  const list = h("div");
  const progressBox = h("section", { "aria-live": "polite", id: "spawn-progress" });

  function watch(server, url) {
    const bar = h("progress", { max: 100, value: 0, "aria-label": `Start of ${server || "default"}` });
    const log = h("ol", { class: "log" });
    const title = h("h3", {}, `Starting ${server || "default server"}`);
    const pull = h("p", { class: "pull", hidden: true });
    const box = h("div", { class: "card", "data-progress": server || "default" }, title, bar, pull, log);
    progressBox.replaceChildren(box);
    const source = new EventSource(url);
    sources.add(source);
    source.onmessage = (message) => {
      let event;
      try { event = JSON.parse(message.data); } catch (e) { return; }
      if (typeof event.progress === "number") bar.value = event.progress;
      const details = event.details || {};
      if (typeof details.bytesTotal === "number" && details.bytesTotal > 0) {
        pull.hidden = false;
        pull.replaceChildren(`Image download: ${bytes(details.bytesDone || 0)} of ${bytes(details.bytesTotal)} `,
          h("progress", { max: details.bytesTotal, value: details.bytesDone || 0, "aria-label": "Image download" }));
      }
      if (event.message) log.append(h("li", {}, event.message));
      log.scrollTop = log.scrollHeight;
      if (event.ready || event.failed) {
        source.close();
        sources.delete(source);
        title.textContent = event.ready ? `${server || "Default server"} is ready` : `${server || "Default server"} failed to start`;
        box.dataset.outcome = event.ready ? "ready" : "failed";
        if (event.ready && event.url) box.append(h("p", {}, h("a", { class: "button primary", href: event.url }, "Open")));
        if (event.failed) showError(new Error(event.message || "The server failed to start."));
        refresh();
      }
    };
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) { sources.delete(source); refresh(); }
    };
  }

  async function start(server, profile) {
    const body = profile ? { profile } : {};
    await api("POST", serverPath(me.name, server), body);
    await refresh();
    watch(server, serverPath(me.name, server) + "/progress");
  }

  function picker(id) {
    if (!offered.length) return null;
    return h("span", {},
      h("label", { for: id }, "Profile"),
      h("select", { id }, offered.map((p) => h("option", { value: p.name, selected: p.isDefault === true }, profileLabel(p)))));
  }

  async function refresh() {
    const user = await api("GET", `/hub/api/users/${encodeURIComponent(me.name)}?include_stopped_servers`);
    const all = { ...(user.servers || {}) };
    if (!("" in all)) all[""] = { name: "", stopped: true };
    const rows = Object.entries(all).sort(([a], [b]) => a.localeCompare(b)).map(([name, s]) => {
      const state = stateOf(s);
      const label = name || "default";
      const pickId = `profile-${label}`;
      const actions = h("div", { class: "actions" });
      if (state === "ready") {
        actions.append(h("a", { class: "button primary", href: s.url }, `Open ${label}`),
          action(`Stop ${label}`, async () => { await api("DELETE", serverPath(me.name, name)); await refresh(); }, { class: "danger" }));
      } else if (state === "starting") {
        actions.append(action(`Show progress of ${label}`, async () => watch(name, serverPath(me.name, name) + "/progress")));
      } else if (state === "stopped") {
        const pick = picker(pickId);
        if (pick) actions.append(pick);
        actions.append(action(`Start ${label}`, () => start(name, pick && document.getElementById(pickId).value), { class: "primary" }));
      }
      return h("tr", { "data-server": label }, h("td", {}, label), h("td", {}, stateLabel(state)), h("td", {}, actions));
    });
    list.replaceChildren(table(["Server", "State", "Actions"], rows));
    // A stop the hub answered with 202 finishes in the background: look again until it has.
    clearTimeout(poll);
    if (!closed && Object.values(all).some((s) => stateOf(s) === "stopping")) poll = setTimeout(() => refresh().catch(showError), 1000);
    return all;
  }

  const form = h("form", { class: "inline card", id: "new-server" },
    h("span", {}, h("label", { for: "new-server-name" }, "New named server"),
      h("input", { id: "new-server-name", pattern: "[a-z](-?[a-z0-9]){0,29}", required: true, autocomplete: "off" })),
    picker("new-server-profile"),
    h("button", { type: "submit", class: "primary" }, "Start named server"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const name = form.querySelector("#new-server-name").value.trim();
    const pick = form.querySelector("#new-server-profile");
    try { await start(name, pick && pick.value); form.reset(); } catch (e) { showError(e); }
  });

  const pending = Object.entries(await refresh()).find(([, s]) => s.pending === "spawn");
  if (pending) watch(pending[0], serverPath(me.name, pending[0]) + "/progress");
  root.append(h("h2", {}, "Your servers"), list, progressBox, form);
  return () => { closed = true; clearTimeout(poll); sources.forEach((s) => s.close()); };
}
