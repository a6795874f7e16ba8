// Courses: a student's courses, assignments and submissions; an instructor's roster, students' servers and the
// hand-out / collect exchange. Which view a course gets follows the role the API reports; the API enforces it anyway.
import { action, api, ApiError, h, showError, stateLabel, table, xsrfToken } from "./lib.js";

const coursePath = (course) => `/api/v1/courses/${encodeURIComponent(course)}`;
const when = (time) => (time ? new Date(time).toLocaleString() : "–");

/** A call whose body is not JSON (a roster CSV, an assignment zip); errors as lib.js's api() reports them. */
async function send(method, path, contentType, body) {
  let response;
  try {
    response = await fetch(path, { method, credentials: "same-origin", body,
      headers: { "X-XSRFToken": xsrfToken(), "Content-Type": contentType } });
  } catch (e) {
    throw new ApiError(0, "The hub could not be reached; check your connection and try again.");
  }
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
  if (!response.ok) throw new ApiError(response.status, (data && data.message) || `The hub answered ${response.status}.`);
  return data;
}

export async function courses(root, me, [name]) {
  if (name) return course(root, me, name);
  const list = (await api("GET", "/api/v1/courses")).courses || [];
  const rows = list.map((c) => h("tr", { "data-course": c.name },
    h("td", {}, h("a", { href: `#/courses/${encodeURIComponent(c.name)}` }, c.title || c.name)),
    h("td", { class: "hide-narrow" }, c.name), h("td", {}, c.role)));
  root.append(h("h2", {}, "Your courses"),
    rows.length ? table(["Course", "Name", "Your role"], rows, ["Name"])
      : h("p", { class: "muted", id: "no-courses" }, "You are in no course yet."));
}

async function course(root, me, name) {
  const detail = await api("GET", coursePath(name));
  const teaching = detail.role === "instructor" || detail.role === "admin";
  root.append(h("p", {}, h("a", { href: "#/courses" }, "All courses")),
    h("h2", {}, detail.title, " ", h("span", { class: "tag" }, detail.role)));
  return teaching ? instructorView(root, detail) : studentView(root, me, detail);
}

// ---- students

async function studentView(root, me, detail) {
  const server = h("div", { id: "course-server" });
  const assignments = h("div", { id: "my-assignments" });
  const status = h("p", { "aria-live": "polite", id: "course-status" });
  let poll = null;
  let closed = false;

  async function refreshServer() {
    const user = await api("GET", `/hub/api/users/${encodeURIComponent(me.name)}?include_stopped_servers`);
    const s = (user.servers || {})[detail.name];
    const state = !s || s.stopped ? "stopped" : s.ready ? "ready" : s.pending === "stop" ? "stopping" : "starting";
    const actions = h("div", { class: "actions" });
    if (state === "ready") actions.append(h("a", { class: "button primary", href: s.url }, "Open course server"));
    if (state === "stopped") {
      actions.append(action("Start course server", async () => {
        await api("POST", coursePath(detail.name) + "/server");
        await refreshServer();
      }, { class: "primary" }));
    }
    server.replaceChildren(h("div", { class: "card" }, h("p", {}, "Your course server: ", stateLabel(state)), actions));
    clearTimeout(poll);
    if (!closed && (state === "starting" || state === "stopping")) poll = setTimeout(() => refreshServer().catch(showError), 1000);
  }

  async function refreshAssignments() {
    const list = (await api("GET", coursePath(detail.name) + "/assignments")).assignments || [];
    const rows = list.map((a) => {
      const submitted = a.submittedAt ? `submitted ${when(a.submittedAt)}${a.late ? " (late)" : ""}` : null;
      const state = submitted ? "submitted" : a.distributed ? "to do" : "not handed out yet";
      return h("tr", { "data-assignment": a.name, "data-status": submitted ? "submitted" : a.distributed ? "open" : "waiting" },
        h("td", {}, a.name), h("td", {}, a.due ? when(a.due) : "no due date"),
        h("td", {}, submitted || state, a.feedback ? h("span", { class: "tag" }, "feedback returned") : null),
        h("td", {}, a.distributed ? action(`Submit ${a.name}`, async () => {
          const s = await api("POST", `${coursePath(detail.name)}/assignments/${encodeURIComponent(a.name)}/submit`);
          status.textContent = `Submitted ${s.files} file${s.files === 1 ? "" : "s"} of ${a.name}${s.late ? " (after the due date)" : ""}.`;
          await refreshAssignments();
        }, { class: "primary" }) : null));
    });
    assignments.replaceChildren(rows.length ? table(["Assignment", "Due", "Status", ""], rows)
      : h("p", { class: "muted" }, "No assignments yet."));
  }

  await Promise.all([refreshServer(), refreshAssignments()]);
  root.append(server, h("h3", {}, "Assignments"),
    h("p", { class: "muted" }, `Work in ~/courses/${detail.name}/<assignment>/ on your course server; Submit hands in that folder as it is now.`),
    status, assignments);
  return () => { closed = true; clearTimeout(poll); };
}

// ---- instructors

async function instructorView(root, detail) {
  const base = coursePath(detail.name);
  const students = h("div", { id: "students" });
  const assignments = h("div", { id: "assignments" });
  const status = h("p", { "aria-live": "polite", id: "course-status" });
  const jobBox = h("div", { id: "course-job", "aria-live": "polite" });
  let timer = null;
  let jobPoll = null;
  let closed = false;

  async function refreshStudents() {
    const list = (await api("GET", base + "/students")).students || [];
    const rows = list.map((s) => {
      const server = s.server;
      const state = !server ? "none" : ({ pending_spawn: "starting", pending_stop: "stopping" })[server.state] || server.state;
      return h("tr", { "data-student": s.username },
        h("td", {}, s.username), h("td", { class: "hide-narrow" }, s.name || ""), h("td", { class: "hide-narrow" }, s.email || ""),
        h("td", {}, stateLabel(state)), h("td", {}, when((server && server.lastActivity) || s.lastActivity)),
        h("td", {}, server && server.ready ? h("a", { class: "button", href: server.url }, `Open ${s.username}'s server`) : null));
    });
    students.replaceChildren(rows.length ? table(["Student", "Name", "E-mail", "Server", "Last activity", ""], rows, ["Name", "E-mail"])
      : h("p", { class: "muted" }, "No students yet: import a roster."));
  }

  async function refreshAssignments() {
    const list = (await api("GET", base + "/assignments")).assignments || [];
    const rows = list.map((a) => {
      const path = `${base}/assignments/${encodeURIComponent(a.name)}`;
      return h("tr", { "data-assignment": a.name },
        h("td", {}, a.name), h("td", {}, a.due ? when(a.due) : "no due date"),
        h("td", { class: "hide-narrow" }, (a.files || []).join(", ")),
        h("td", {}, `${a.distributedTo} handed out, ${a.submitted} submitted` + (a.late ? ` (${a.late} late)` : "")),
        h("td", {}, h("div", { class: "actions" },
          action(`Distribute ${a.name}`, async () => {
            const r = await api("POST", path + "/distribute", {});
            const failed = Object.entries(r.students).filter(([, d]) => d.error);
            status.textContent = `Handed out ${a.name} to ${Object.keys(r.students).length - failed.length} students (into ${r.path})`
              + (failed.length ? `; failed for ${failed.map(([s, d]) => `${s}: ${d.error}`).join("; ")}` : ".");
            await refreshAssignments();
          }),
          action(`Collect ${a.name}`, async () => {
            const r = await api("POST", path + "/collect", {});
            const late = r.collected.filter((c) => c.late).length;
            status.textContent = `Collected ${r.collected.length} submission${r.collected.length === 1 ? "" : "s"} of ${a.name}`
              + `${late ? ` (${late} late)` : ""} into ${r.path}.`;
            await refreshAssignments();
          }))));
    });
    assignments.replaceChildren(rows.length ? table(["Assignment", "Due", "Files", "Progress", ""], rows, ["Files"])
      : h("p", { class: "muted" }, "No assignments yet."));
  }

  function followJob(job) {
    const total = Object.keys(job.students).length;
    const finished = Object.values(job.students).filter((s) => ["ready", "stopped", "failed"].includes(s.state)).length;
    const counts = Object.entries(job.counts).map(([state, n]) => `${n} ${state}`).join(", ");
    const failures = Object.entries(job.students).filter(([, s]) => s.state === "failed")
      .map(([student, s]) => h("li", {}, `${student}: ${s.message}`));
    jobBox.replaceChildren(h("div", { class: "card", "data-job": job.action, "data-done": String(job.done) },
      h("p", {}, `${job.action === "start" ? "Starting" : "Stopping"} ${total} servers: ${counts || "nothing to do"}`),
      h("progress", { max: Math.max(total, 1), value: job.done ? Math.max(total, 1) : finished, "aria-label": `${job.action} progress` }),
      failures.length ? h("ul", {}, failures) : null));
    clearTimeout(jobPoll);
    refreshStudents().catch(showError);
    if (!job.done && !closed) {
      jobPoll = setTimeout(() => api("GET", `${base}/jobs/${encodeURIComponent(job.id)}`).then(followJob).catch(showError), 1000);
    }
  }

  const csv = h("input", { id: "roster-file", type: "file", accept: ".csv,text/csv" });
  const replace = h("input", { id: "roster-replace", type: "checkbox" });
  const group = h("input", { id: "roster-group", placeholder: "/courses/ml-101", autocomplete: "off" });
  const subgroups = h("input", { id: "roster-subgroups", type: "checkbox" });
  const rosterResult = (r) => {
    status.textContent = `Roster: ${r.added.length} added${r.added.length ? ` (${r.added.join(", ")})` : ""}, `
      + `${r.removed.length} removed${r.removed.length ? ` (${r.removed.join(", ")})` : ""}, ${r.unchanged} unchanged.`;
    return refreshStudents();
  };
  const mode = () => (replace.checked ? "?mode=replace" : "");
  const roster = h("div", { class: "card" },
    h("form", { class: "inline", id: "roster-form", onsubmit: (e) => e.preventDefault() },
      h("span", {}, h("label", { for: "roster-file" }, "Roster CSV (username,email,name)"), csv),
      h("label", { class: "check" }, replace, " Replace: remove students not in the import"),
      action("Import roster", async () => {
        if (!csv.files.length) throw new ApiError(400, "Choose a roster CSV file first.");
        await rosterResult(await send("POST", `${base}/roster${mode()}`, "text/csv", await csv.files[0].text()));
      }, { class: "primary" })),
    h("form", { class: "inline", id: "group-form", onsubmit: (e) => e.preventDefault() },
      h("span", {}, h("label", { for: "roster-group" }, "Or a Keycloak group"), group),
      h("label", { class: "check" }, subgroups, " With its subgroups"),
      action("Import group", async () => {
        await rosterResult(await api("POST", `${base}/roster${mode()}`,
          { group: group.value.trim(), include_subgroups: subgroups.checked }));
      })));

  const zip = h("input", { id: "assignment-file", type: "file", accept: ".zip,application/zip" });
  const assignmentName = h("input", { id: "assignment-name", pattern: "[a-z](-?[a-z0-9]){0,29}", autocomplete: "off" });
  const due = h("input", { id: "assignment-due", type: "datetime-local" });
  const newAssignment = h("form", { class: "inline card", id: "assignment-form", onsubmit: (e) => e.preventDefault() },
    h("span", {}, h("label", { for: "assignment-name" }, "New assignment"), assignmentName),
    h("span", {}, h("label", { for: "assignment-due" }, "Due"), due),
    h("span", {}, h("label", { for: "assignment-file" }, "Files (zip)"), zip),
    action("Create assignment", async () => {
      if (!zip.files.length) throw new ApiError(400, "Choose a zip with the assignment's notebooks and files.");
      const query = `?name=${encodeURIComponent(assignmentName.value.trim())}`
        + (due.value ? `&due=${encodeURIComponent(new Date(due.value).toISOString())}` : "");
      await send("POST", `${base}/assignments${query}`, "application/zip", zip.files[0]);
      status.textContent = `Created ${assignmentName.value.trim()}: hand it out with Distribute.`;
      newAssignment.reset();
      await refreshAssignments();
    }, { class: "primary" }));

  const servers = h("div", { class: "actions", id: "course-servers" },
    action("Start all servers", async () => followJob(await api("POST", base + "/servers", {})), { class: "primary" }),
    action("Stop all servers", async () => followJob(await api("DELETE", base + "/servers", {})), { class: "danger" }));

  await Promise.all([refreshStudents(), refreshAssignments()]);
  root.append(status, h("h3", {}, "Students"), roster, servers, jobBox, students,
    h("h3", {}, "Assignments"), newAssignment, assignments);
  // Servers start and stop, students submit: the lists follow without a reload.
  timer = setInterval(() => Promise.all([refreshStudents(), refreshAssignments()]).catch(() => {}), 5000);
  return () => { closed = true; clearInterval(timer); clearTimeout(jobPoll); };
}
