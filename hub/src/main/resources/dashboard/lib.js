// Shared helpers: the API client (session cookie + XSRF header), DOM building without innerHTML, errors in plain words.
const xsrf = document.querySelector('meta[name="xsrf"]').content;

export class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

/** Calls a hub API; resolves to parsed JSON (or null), rejects with an ApiError carrying the hub's message. */
export async function api(method, path, body) {
  return body === undefined ? (await call(method, path)).data
    : (await call(method, path, JSON.stringify(body), "application/json")).data;
}

/** Like api, but sends `text` as it is and resolves to the answer's text (for inputs and outputs that need not be JSON). */
export async function apiText(method, path, text, contentType) {
  return (await call(method, path, text, contentType)).text;
}

async function call(method, path, body, contentType) {
  const init = { method, credentials: "same-origin", headers: { "X-XSRFToken": xsrf } };
  if (body !== undefined) {
    init.headers["Content-Type"] = contentType;
    init.body = body;
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, "The hub could not be reached; check your connection and try again.");
  }
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
  if (!response.ok) {
    if (response.status === 403 && !data) location.href = "/hub/login?next=/hub/dashboard/";
    throw new ApiError(response.status, (data && data.message) || `The hub answered ${response.status} ${response.statusText}.`);
  }
  return { data, text };
}

export const xsrfToken = () => xsrf;

/** h("button", {class: "primary", onclick: fn}, "Start") */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child !== undefined && child !== null && child !== false) el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

export function showError(error) {
  const box = document.getElementById("error");
  box.textContent = error && error.message ? error.message : String(error);
  box.hidden = false;
}

export function clearError() {
  const box = document.getElementById("error");
  box.hidden = true;
  box.textContent = "";
}

/** Runs an action from a button: disabled while it runs, errors shown, then `after`. */
export function action(label, run, attrs) {
  const button = h("button", { type: "button", ...attrs }, label);
  button.addEventListener("click", async () => {
    button.disabled = true;
    clearError();
    try { await run(); } catch (e) { showError(e); } finally { button.disabled = false; }
  });
  return button;
}

export function stateLabel(state) {
  return h("span", { class: `state ${state}` }, state);
}

export function bytes(n) {
  if (n === null || n === undefined) return "";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${i ? n.toFixed(1) : n} ${units[i]}`;
}

/** A table; columns named in `narrowHidden` are left out on narrow screens (their cells carry class hide-narrow). */
export function table(headers, rows, narrowHidden = []) {
  return h("div", { class: "table-wrap" }, h("table", {},
    h("thead", {}, h("tr", {}, headers.map((t) => h("th", { scope: "col", class: narrowHidden.includes(t) ? "hide-narrow" : null }, t)))),
    h("tbody", {}, rows)));
}
