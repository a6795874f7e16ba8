// The dashboard's entry point: who is logged in, hash routing between the views, the nav state.
import { api, clearError, h, showError } from "./lib.js";
import { servers } from "./servers.js";
import { catalog } from "./catalog.js";
import { deployments } from "./deployments.js";
import { storage } from "./storage.js";
import { tokens } from "./tokens.js";
import { inference } from "./inference.js";
import { admin } from "./admin.js";
import { courses } from "./courses.js";

// The pages in navigation order: hash route, nav label, view, and whether only admins get it. A new page is an import and one line here.
const pages = [
  { route: "home", label: "Servers", view: servers },
  { route: "courses", label: "Courses", view: courses },
  { route: "catalog", label: "Catalog", view: catalog },
  { route: "deployments", label: "Deployments", view: deployments },
  { route: "inference", label: "Inference", view: inference },
  { route: "storage", label: "Storage", view: storage },
  { route: "tokens", label: "Tokens", view: tokens },
  { route: "admin", label: "Admin", view: admin, admin: true },
];
const views = {};
let me = null;
let cleanup = null;
let turn = 0;

async function route(event) {
  const moved = event !== undefined;
  // In-page anchors such as the skip link are not routes.
  if (location.hash && !location.hash.startsWith("#/")) return;
  const [name, ...rest] = (location.hash.replace(/^#\/?/, "") || "home").split("/");
  const view = views[name] ? name : "home";
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
  const nav = document.getElementById("pages");
  for (const page of pages.filter((p) => !p.admin || me.admin)) {
    views[page.route] = page.view;
    nav.insertBefore(h("a", { href: `#/${page.route}`, "data-nav": page.route, id: `${page.route}-nav` }, page.label),
      document.getElementById("whoami"));
  }
  window.addEventListener("hashchange", route);
  await route();
}

start();
