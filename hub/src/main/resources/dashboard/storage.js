// Your storage: where it lives (the hub, or your Nextcloud / WebDAV account), browse folders, upload with a
// progress bar, download, rename, delete, new folder.
import { action, api, ApiError, bytes, clearError, h, showError, table, xsrfToken } from "./lib.js";

const q = (path) => "path=" + encodeURIComponent(path);
const join = (dir, name) => (dir.endsWith("/") ? dir : dir + "/") + name;

function upload(path, file, bar) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", "/api/v1/storage/files?" + q(path));
    xhr.setRequestHeader("X-XSRFToken", xsrfToken());
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) { bar.max = e.total; bar.value = e.loaded; } };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) { bar.value = bar.max; resolve(); return; }
      let message = `The upload failed (${xhr.status}).`;
      try { message = JSON.parse(xhr.responseText).message || message; } catch (e) { /* not JSON: keep the status */ }
      reject(new ApiError(xhr.status, message));
    };
    xhr.onerror = () => reject(new ApiError(0, "The upload was interrupted; check your connection and try again."));
    xhr.send(file);
  });
}

/**
 * The storage account card: the account in use with Disconnect, or two ways to connect one: typing an app
 * password (the hub checks the login before it stores anything), or Nextcloud's own login page, where you grant
 * access and the hub, polling Nextcloud, receives an app password of its own.
 */
function account(card, changed) {
  let poll = null;
  const stop = () => { clearTimeout(poll); poll = null; };

  async function connected() {
    await show();
    await changed();
  }

  function follow(started, box) {
    box.replaceChildren("Grant access in Nextcloud: ",
      h("a", { href: started.login_url, target: "_blank", rel: "noopener" }, "open the Nextcloud login page"),
      ". Waiting for your approval…");
    const check = async () => {
      const s = await api("GET", "/api/v1/storage/connection/nextcloud-login");
      if (s.status === "pending") { poll = setTimeout(() => check().catch(showError), 1500); return; }
      stop();
      box.replaceChildren();
      if (s.status === "connected") await connected();
      else showError(new Error(`The Nextcloud login ${s.status}: ${s.message}`));
    };
    stop();
    poll = setTimeout(() => check().catch(showError), 1500);
  }

  async function show() {
    const c = await api("GET", "/api/v1/storage/connection");
    if (c.kind !== "local") {
      card.replaceChildren(h("h3", {}, "Storage account"),
        h("p", { id: "storage-connected" }, `Connected to ${c.kind === "nextcloud" ? "Nextcloud" : "WebDAV"} at `, h("code", {}, c.url),
          ` as ${c.login}`, c.connected_at ? ` since ${new Date(c.connected_at).toLocaleString()}` : "", "."),
        action("Disconnect", async () => {
          if (!confirm(`Disconnect ${c.url}? Your files stay there; the dashboard shows the hub's folder again.`)) return;
          await api("DELETE", "/api/v1/storage/connection");
          await connected();
        }, { class: "danger" }));
      return;
    }
    const value = (id) => form.querySelector(id).value;
    const form = h("form", { class: "inline", id: "connect-form" },
      h("span", {}, h("label", { for: "connect-kind" }, "Kind"),
        h("select", { id: "connect-kind" }, h("option", { value: "nextcloud" }, "Nextcloud"), h("option", { value: "webdav" }, "WebDAV folder"))),
      h("span", {}, h("label", { for: "connect-url" }, "Server URL"),
        h("input", { id: "connect-url", type: "url", placeholder: "https://cloud.example.org", autocomplete: "off" })),
      h("span", {}, h("label", { for: "connect-login" }, "User"), h("input", { id: "connect-login", autocomplete: "username" })),
      h("span", {}, h("label", { for: "connect-password" }, "App password"),
        h("input", { id: "connect-password", type: "password", autocomplete: "new-password" })),
      h("button", { type: "submit", class: "primary" }, "Connect"));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearError();
      const button = form.querySelector("button[type=submit]");
      button.disabled = true;
      try {
        await api("PUT", "/api/v1/storage/connection", { kind: value("#connect-kind"), url: value("#connect-url").trim(),
          login: value("#connect-login").trim(), app_password: value("#connect-password") });
        await connected();
      } catch (e) { showError(e); button.disabled = false; }
    });
    const waiting = h("p", { "aria-live": "polite", id: "nextcloud-login-status" });
    const login = action("Log in through Nextcloud", async () => {
      follow(await api("POST", "/api/v1/storage/connection/nextcloud-login", { url: value("#connect-url").trim() }), waiting);
    });
    card.replaceChildren(h("h3", {}, "Storage account"),
      h("p", { class: "muted", id: "storage-connected" }, "Your files are kept on the hub. Connect a Nextcloud account (with an app "
        + "password from its Settings → Security) or a WebDAV folder to work with your files there instead."),
      form,
      h("p", {}, login, " A Nextcloud server can also hand the hub an app password itself: give its URL above, then grant access on "
        + "its login page."),
      waiting);
  }

  return { show, stop };
}

export async function storage(root) {
  let dir = "/";
  const crumbs = h("p", { id: "storage-path" });
  const listing = h("div", { id: "storage-list" });
  const bar = h("progress", { max: 1, value: 0, id: "upload-progress", "aria-label": "Upload progress", hidden: true });
  const status = h("p", { "aria-live": "polite", id: "upload-status" });

  async function open(path) {
    const data = await api("GET", "/api/v1/storage/list?" + q(path));
    dir = data.path || path;
    const parts = dir.split("/").filter(Boolean);
    crumbs.replaceChildren(h("a", { href: "#/storage", onclick: (e) => { e.preventDefault(); open("/").catch(showError); } }, "/"),
      ...parts.flatMap((p, i) => {
        const to = "/" + parts.slice(0, i + 1).join("/");
        return [" ", h("a", { href: "#/storage", onclick: (e) => { e.preventDefault(); open(to).catch(showError); } }, p), " /"];
      }), h("span", { class: "muted" }, `  (${data.backend})`));
    const rows = (data.entries || []).map((e) => {
      const path = e.path || join(dir, e.name);
      const name = e.type === "directory"
        ? h("a", { href: "#/storage", onclick: (ev) => { ev.preventDefault(); open(path).catch(showError); } }, e.name + "/")
        : h("a", { href: "/api/v1/storage/files?" + q(path), download: e.name }, e.name);
      return h("tr", { "data-entry": e.name }, h("td", {}, name), h("td", { class: "hide-narrow" }, e.type === "file" ? bytes(e.size) : ""),
        h("td", { class: "hide-narrow" }, e.modified ? new Date(e.modified).toLocaleString() : ""),
        h("td", {}, h("div", { class: "actions" },
          action(`Rename ${e.name}`, async () => {
            const to = prompt(`New name for ${e.name}`, e.name);
            if (!to || to === e.name) return;
            await api("POST", "/api/v1/storage/move", { from: path, to: join(dir, to) });
            await open(dir);
          }),
          action(`Delete ${e.name}`, async () => {
            if (!confirm(`Delete ${e.name}${e.type === "directory" ? " and everything in it" : ""}?`)) return;
            await api("DELETE", "/api/v1/storage/files?" + q(path));
            await open(dir);
          }, { class: "danger" }))));
    });
    listing.replaceChildren(rows.length ? table(["Name", "Size", "Modified", "Actions"], rows, ["Size", "Modified"]) : h("p", { class: "muted" }, "This folder is empty."));
  }

  const fileInput = h("input", { id: "upload-file", type: "file" });
  const uploadForm = h("form", { class: "inline card", id: "upload-form" },
    h("span", {}, h("label", { for: "upload-file" }, "Upload a file"), fileInput),
    h("button", { type: "submit", class: "primary" }, "Upload"));
  uploadForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const file = fileInput.files[0];
    if (!file) { showError(new Error("Choose a file to upload first.")); return; }
    clearError();
    bar.hidden = false;
    bar.value = 0;
    status.textContent = `Uploading ${file.name}…`;
    try {
      await upload(join(dir, file.name), file, bar);
      status.textContent = `Uploaded ${file.name} (${bytes(file.size)}).`;
      uploadForm.reset();
      await open(dir);
    } catch (e) { status.textContent = ""; showError(e); }
  });
  const folderForm = h("form", { class: "inline card" },
    h("span", {}, h("label", { for: "new-folder" }, "New folder"), h("input", { id: "new-folder", required: true })),
    h("button", { type: "submit" }, "Create"));
  folderForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await api("POST", "/api/v1/storage/mkdir", { path: join(dir, folderForm.querySelector("input").value.trim()) });
      folderForm.reset();
      await open(dir);
    } catch (e) { showError(e); }
  });

  const card = h("section", { class: "card", id: "storage-account" });
  const connection = account(card, () => open("/"));
  await Promise.all([open("/"), connection.show()]);
  root.append(h("h2", {}, "Storage"), card, crumbs, listing, uploadForm, bar, status, folderForm);
  return connection.stop;
}
