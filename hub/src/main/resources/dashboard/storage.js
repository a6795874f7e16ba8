// Your storage: browse folders, upload with a progress bar, download, rename, delete, new folder.
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
      ...parts.map((p, i) => {
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

  await open("/");
  root.append(h("h2", {}, "Storage"), crumbs, listing, uploadForm, bar, status, folderForm);
}
