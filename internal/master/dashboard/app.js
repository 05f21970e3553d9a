// The admin dashboard page: logs in, follows /admin/api/events and sends
// actions with the session's CSRF token. See internal/master/dashboard.go.
"use strict";

const api = "api/";
let csrf = "";
let events = null;
const charts = {};
const history = { t: [], ccu: [], in: [], out: [], tick_p99_ms: [] };

const $ = (id) => document.getElementById(id);

function show(loggedIn, username) {
  $("login").hidden = loggedIn;
  $("dash").hidden = !loggedIn;
  $("logout").hidden = !loggedIn;
  $("who").textContent = loggedIn ? username : "";
}

async function post(path, body) {
  const res = await fetch(api + path, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
    body: JSON.stringify(body),
    credentials: "same-origin",
  });
  if (!res.ok) {
    let msg = res.status + " " + res.statusText;
    try { msg = (await res.json()).error.message; } catch (e) { /* not JSON */ }
    throw new Error(msg);
  }
  return res.status === 204 ? null : res.json();
}

function started(me) {
  csrf = me.csrf;
  show(true, me.username);
  follow();
}

$("login").addEventListener("submit", async (e) => {
  e.preventDefault();
  $("login-error").textContent = "";
  try {
    started(await post("login", { username: $("username").value, password: $("password").value }));
    $("password").value = "";
  } catch (err) {
    $("login-error").textContent = err.message;
  }
});

$("logout").addEventListener("click", async () => {
  try { await post("logout", {}); } catch (e) { /* already gone */ }
  if (events) events.close();
  show(false);
});

async function act(action, body, done) {
  $("action-result").textContent = "";
  try {
    await post("actions/" + action, body);
    $("action-result").textContent = done;
  } catch (err) {
    $("action-result").textContent = action + " failed: " + err.message;
  }
}

$("broadcast").addEventListener("submit", (e) => {
  e.preventDefault();
  const message = $("broadcast-message").value;
  act("broadcast", { message }, "Broadcast sent.").then(() => { $("broadcast-message").value = ""; });
});

$("reset").addEventListener("submit", (e) => {
  e.preventDefault();
  const username = $("reset-username").value;
  act("reset-password", { username, password: $("reset-password").value }, "Password of " + username + " reset.")
    .then(() => { $("reset-password").value = ""; });
});

$("save-now").addEventListener("submit", (e) => {
  e.preventDefault();
  act("save-now", {}, "Every player is being saved.");
});

function playerAction(action, p) {
  const reason = prompt(action + " " + p.name + ": reason?");
  if (!reason) return;
  const body = { world: p.world, name: p.name, reason };
  if (action !== "kick") {
    const duration = prompt(action === "ban" ? "How long? (1h, 7d, perm)" : "How long? (10m, 1h, 1d)");
    if (!duration) return;
    body.duration = duration;
  }
  act(action, body, p.name + ": " + action + " done.");
}

function cell(tr, text) {
  const td = document.createElement("td");
  td.textContent = text;
  tr.appendChild(td);
  return td;
}

// fill shows rows in tbody, a tr each, drawn by render. A row drawn again
// with the same key (render may set tr.dataset.key; else its place and
// text) keeps its element and the cells whose text is unchanged, so the
// once-a-second update never takes a button from under the pointer.
function fill(tbody, rows, render) {
  const old = new Map([...tbody.children].map((tr) => [tr.dataset.key, tr]));
  const trs = rows.map((r, i) => {
    const tr = document.createElement("tr");
    render(tr, r);
    if (!tr.dataset.key) tr.dataset.key = i + ":" + tr.textContent;
    const was = old.get(tr.dataset.key);
    if (!was || was.cells.length !== tr.cells.length) return tr;
    const kept = [...was.cells];
    [...tr.cells].forEach((td, c) => {
      if (kept[c].textContent !== td.textContent) was.replaceChild(td, kept[c]);
    });
    return was;
  });
  if (trs.length !== tbody.children.length || trs.some((tr, i) => tbody.children[i] !== tr)) {
    tbody.replaceChildren(...trs);
  }
}

function bytes(n) {
  if (n >= 1 << 20) return (n / (1 << 20)).toFixed(1) + " MiB/s";
  if (n >= 1 << 10) return (n / (1 << 10)).toFixed(1) + " KiB/s";
  return Math.round(n) + " B/s";
}

// perSecond writes a rate of bytes short, for a chart's axis.
function perSecond(n) {
  if (n >= 1 << 20) return (n / (1 << 20)).toFixed(1) + " MiB";
  if (n >= 1 << 10) return Math.round(n / (1 << 10)) + " KiB";
  return Math.round(n) + " B";
}

// makeChart draws series over time in el; format, if given, writes the
// values of the y axis.
function makeChart(el, series, format) {
  const y = { size: 70 };
  if (format) y.values = (u, splits) => splits.map(format);
  return new uPlot({
    width: Math.max(300, el.clientWidth || 500), height: 200,
    series: [{}, ...series],
    axes: [{}, y],
  }, [[], ...series.map(() => [])], el);
}

function redraw() {
  if (!charts.ccu) {
    charts.ccu = makeChart($("chart-ccu"), [{ label: "players", stroke: "#2a6fdb", width: 2 }]);
    charts.bw = makeChart($("chart-bw"), [{ label: "in", stroke: "#1b9e77", width: 2 }, { label: "out", stroke: "#d95f02", width: 2 }], perSecond);
    charts.tick = makeChart($("chart-tick"), [{ label: "p99 ms", stroke: "#7570b3", width: 2 }]);
  }
  charts.ccu.setData([history.t, history.ccu]);
  charts.bw.setData([history.t, history.in, history.out]);
  charts.tick.setData([history.t, history.tick_p99_ms]);
}

function addSample(s) {
  for (const k in history) {
    history[k].push(s[k]);
    if (history[k].length > 600) history[k].shift();
  }
}

function render(ev) {
  $("ccu").textContent = ev.ccu;
  $("lpm").textContent = ev.logins_per_minute;
  $("bw").textContent = bytes(ev.sample.in) + " / " + bytes(ev.sample.out);
  $("updated").textContent = new Date(ev.time).toLocaleTimeString();
  fill($("gateways"), ev.gateways, (tr, g) => {
    cell(tr, g.addr); cell(tr, g.version || "–"); cell(tr, g.requests);
  });
  fill($("worlds"), ev.worlds, (tr, w) => {
    cell(tr, w.id); cell(tr, w.name); cell(tr, w.population + " / " + w.capacity);
    cell(tr, w.error || w.status);
    cell(tr, w.tick_p99_ms ? "≤ " + w.tick_p99_ms + " ms" : "–");
    cell(tr, (w.instances || []).map((i) =>
      i.map + " (" + i.players + (i.tick_p99_ms ? ", tick p99 " + i.tick_p99_ms.toFixed(1) + " ms" : "") + ")").join(", "));
    const b = document.createElement("button");
    b.textContent = "shut down in 5 min";
    b.className = "shutdown";
    b.addEventListener("click", () => {
      if (confirm("Shut " + w.name + " down in 5 minutes? Players are told at 5 min, 1 min and 10 s.")) {
        act("shutdown", { world: w.id, in_seconds: 300 }, w.name + " shuts down in 5 minutes.");
      }
    });
    cell(tr, "").appendChild(b);
  });
  fill($("players"), ev.players, (tr, p) => {
    tr.dataset.name = p.name;
    tr.dataset.key = p.name + "@" + p.world; // its buttons act on p
    cell(tr, p.name); cell(tr, p.class); cell(tr, p.level); cell(tr, p.world); cell(tr, p.map);
    cell(tr, p.ping_ms > 0 ? p.ping_ms + " ms" : "–");
    const td = cell(tr, "");
    for (const action of ["kick", "mute", "ban"]) {
      const b = document.createElement("button");
      b.textContent = action;
      b.className = action;
      b.addEventListener("click", () => playerAction(action, p));
      td.appendChild(b);
    }
  });
  fill($("audit"), ev.audit, (tr, a) => {
    cell(tr, new Date(a.at).toLocaleString()); cell(tr, a.actor); cell(tr, a.action);
    cell(tr, a.target || ""); cell(tr, a.reason || ""); cell(tr, a.detail || "");
  });
  fill($("chat"), ev.chat, (tr, c) => {
    cell(tr, new Date(c.at).toLocaleTimeString()); cell(tr, c.name); cell(tr, c.world + " " + c.map); cell(tr, c.text);
  });
  addSample(ev.sample);
  redraw();
}

function follow() {
  if (events) events.close();
  for (const k in history) history[k] = [];
  events = new EventSource(api + "events");
  events.addEventListener("history", (e) => {
    for (const k in history) history[k] = [];
    JSON.parse(e.data).forEach(addSample);
  });
  events.onmessage = (e) => render(JSON.parse(e.data));
  events.onerror = async () => {
    // A closed stream may mean a lost session: ask, and show the login.
    const res = await fetch(api + "me", { credentials: "same-origin" });
    if (res.status === 401 || res.status === 403) {
      events.close();
      show(false);
    }
  };
}

(async () => {
  const res = await fetch(api + "me", { credentials: "same-origin" });
  if (res.ok) started(await res.json()); else show(false);
})();
