// The dashboard's entry point: who is logged in, hash routing between the views, the nav state.
import { api, clearError, h, showError } from "./lib.js";
import { servers } from "./servers.js";
import { catalog } from "./catalog.js";
import { deployments } from "./deployments.js";
import { storage } from "./storage.js";
import { tokens } from "./tokens.js";
import { admin } from "./admin.js";

const views = { home: servers, catalog, deployments, storage, tokens, admin };
let me = null;
let cleanup = null;

async function route() {
  // In-page anchors such as the skip link are not routes.
  if (location.hash && !location.hash.startsWith("#/")) return;
  const [name, ...rest] = (location.hash.replace(/^#\/?/, "") || "home").split("/");
  const view = views[name] && (name !== "admin" || me.admin) ? name : "home";
  document.querySelectorAll("[data-nav]").forEach((a) => {
    if (a.dataset.nav === view) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
  });
  if (cleanup) { cleanup(); cleanup = null; }
  clearError();
  const main = document.getElementById("main");
  main.replaceChildren(h("p", { class: "muted" }, "Loading…"));
  try {
    const content = h("div", { "data-view": view });
    cleanup = (await views[view](content, me, rest.map(decodeURIComponent))) || null;
    main.replaceChildren(content);
  } catch (e) {
    main.replaceChildren();
    showError(e);
  }
}

async function start() {
  try {
    me = await api("GET", "/hub/api/user");
  } catch (e) {
    showError(e);
    return;
  }
  document.getElementById("whoami").textContent = me.name + (me.admin ? " (admin)" : "");
  document.getElementById("admin-nav").hidden = !me.admin;
  window.addEventListener("hashchange", route);
  await route();
}

start();
