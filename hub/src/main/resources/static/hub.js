// Meridian hub pages: a little JS over the hub's own REST API (no frameworks, no CDN).
"use strict";
const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.content;

async function api(method, path, body) {
  const response = await fetch("/hub/api" + path, {
    method,
    credentials: "same-origin",
    headers: { "X-XSRFToken": meta("xsrf"), "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const data = text ? JSON.parse(text) : {};
  if (!response.ok) throw new Error(data.message || response.statusText);
  return data;
}

function serverPath(user, server) {
  return server ? `/users/${user}/servers/${server}` : `/users/${user}/server`;
}

function showError(error) {
  const box = document.getElementById("error");
  if (box) { box.textContent = error.message; box.hidden = false; }
}

function wireHome() {
  const user = meta("user");
  document.querySelectorAll("button[data-action]").forEach((button) => {
    button.addEventListener("click", async () => {
      const server = button.dataset.server || "";
      button.disabled = true;
      try {
        if (button.dataset.action === "start") {
          await api("POST", serverPath(user, server), {});
          location.href = `/hub/spawn-pending/${user}/${server}`;
        } else if (button.dataset.action === "stop") {
          await api("DELETE", serverPath(user, server));
          location.reload();
        } else if (button.dataset.action === "remove") {
          await api("DELETE", serverPath(user, server), { remove: true });
          location.reload();
        }
      } catch (e) { showError(e); button.disabled = false; }
    });
  });
  const form = document.getElementById("new-server");
  form?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const name = form.elements["name"].value.trim();
    try {
      await api("POST", serverPath(user, name), {});
      location.href = `/hub/spawn-pending/${user}/${name}`;
    } catch (e) { showError(e); }
  });
}

function wireSpawnPending() {
  const bar = document.getElementById("progress");
  const log = document.getElementById("log");
  const source = new EventSource(meta("progress-url"));
  source.onmessage = (message) => {
    const event = JSON.parse(message.data);
    bar.value = event.progress || 0;
    const line = document.createElement("li");
    line.textContent = event.message || "";
    log.appendChild(line);
    if (event.ready) { source.close(); location.href = event.url; }
    if (event.failed) { source.close(); showError(new Error(event.message)); }
  };
  source.onerror = () => { source.close(); };
}

function wireTokens() {
  const user = meta("user");
  const form = document.getElementById("new-token");
  form?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const note = form.elements["note"].value;
    const days = Number(form.elements["days"].value || 0);
    try {
      const token = await api("POST", `/users/${user}/tokens`, { note, expires_in: days * 86400 || null });
      const shown = document.getElementById("new-token-value");
      shown.textContent = token.token;
      shown.parentElement.hidden = false;
    } catch (e) { showError(e); }
  });
  document.querySelectorAll("button[data-token]").forEach((button) => {
    button.addEventListener("click", async () => {
      try { await api("DELETE", `/users/${user}/tokens/${button.dataset.token}`); location.reload(); }
      catch (e) { showError(e); }
    });
  });
}

({ home: wireHome, "spawn-pending": wireSpawnPending, tokens: wireTokens })[meta("page")]?.();
