// The dashboard's entry point: who is logged in, hash routing between the views, the nav state.
import { api, clearError, h, showError } from "./lib.js";
import { servers } from "./servers.js";
import { catalog } from "./catalog.js";
import { deployments } from "./deployments.js";
import { storage } from "./storage.js";
import { tokens } from "./tokens.js";
import { admin } from "./admin.js";
import { courses } from "./courses.js";

const views = { home: servers, catalog, deployments, storage, tokens, admin, courses };
let me = null;
let cleanup = null;
let turn = 0;

async function route(event) {
  const moved = event !== undefined;
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
  // Views load asynchronously: only the latest navigation may fill the page.
  const mine = ++turn;
  try {
    const content = h("div", { "data-view": view });
    const stop = (await views[view](content, me, rest.map(decodeURIComponent))) || null;
    if (mine !== turn) {
      if (stop) stop();
      return;
    }
    cleanup = stop;
    main.replaceChildren(content);
    // After a change of page, screen readers and keyboards start at the new content, not at the old link.
    if (moved) main.focus();
  } catch (e) {
    if (mine !== turn) return;
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
