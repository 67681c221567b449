// A live chat room. The page arrives with the latest messages; this joins the room over Socket.IO and keeps it
// live. Each message is shown once: by its id, and our own also by the client_id we gave it, so the server's copy
// replaces the "sending…" bubble. Unacknowledged messages are kept and sent again after a reconnect with the same
// client_id (the server stores a client_id once). After a reconnect the room is joined again and what was missed
// is fetched from the API.
(() => {
  "use strict";
  const root = document.getElementById("chat-room");
  if (!root || typeof window.io !== "function") return;

  const data = root.dataset;
  const badges = JSON.parse(data.badges || "{}");
  const room = data.room;
  const me = Number(data.me);
  const pageSize = Number(data.page) || 50;
  const ACK_TIMEOUT = 10000;
  const list = document.getElementById("messages");
  const scroller = document.getElementById("chat-scroll");
  const empty = document.getElementById("chat-empty");
  const banner = document.getElementById("chat-status");
  const notices = document.getElementById("chat-notices");
  const earlier = document.getElementById("chat-earlier");
  const blank = document.getElementById("bubble-template").content.firstElementChild;
  const form = document.getElementById("composer");
  const input = form && form.querySelector("textarea");

  const shown = new Map(); // message id -> bubble
  const pending = new Map(); // client_id -> {clientId, body, li, attempt}
  let highest = 0;
  let lowest = Infinity;
  let ready = false; // joined and caught up: sending may start
  let readSent = 0;
  let readTimer = 0;

  for (const li of list.querySelectorAll("li.msg[data-id]")) remember(Number(li.dataset.id), li);

  // ---- time, text ---------------------------------------------------------------------------------

  const clock = new Intl.DateTimeFormat("en-CA", {
    timeZone: data.tz, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
    hourCycle: "h23",
  });

  function when(iso) {
    // As the server's `when` filter, in the estate's time zone: "09:17" today, "12-03 09:17" this year,
    // "2025-12-03 09:17" before.
    const p = parts(new Date(iso));
    const today = parts(new Date());
    if (p.year === today.year && p.month === today.month && p.day === today.day) return `${p.hour}:${p.minute}`;
    if (p.year === today.year) return `${p.month}-${p.day} ${p.hour}:${p.minute}`;
    return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
  }

  function whenFull(iso) {
    const p = parts(new Date(iso));
    return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
  }

  function parts(date) {
    const found = {};
    for (const part of clock.formatToParts(date)) found[part.type] = part.value;
    return found;
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? values[key] : whole));
  }

  function newClientId() {
    if (window.crypto && typeof crypto.randomUUID === "function") return crypto.randomUUID();
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes); // unlike randomUUID, also outside secure contexts
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // ---- bubbles ------------------------------------------------------------------------------------

  function remember(id, li) {
    shown.set(id, li);
    highest = Math.max(highest, id);
    lowest = Math.min(lowest, id);
  }

  function render(li, m) {
    li.dataset.id = m.id;
    li.dataset.clientId = m.client_id;
    li.dataset.author = m.author.id;
    li.classList.toggle("mine", m.author.id === me);
    li.classList.toggle("held", m.status === "held");
    li.classList.remove("pending", "failed");
    li.querySelector(".msg-author").textContent = m.author.display_name;
    const badge = li.querySelector(".badge");
    badge.hidden = !m.author.badge;
    badge.className = m.author.badge ? `tag badge tag-${m.author.badge}` : "tag badge";
    badge.textContent = m.author.badge ? badges[m.author.badge] || "" : "";
    const time = li.querySelector("time");
    time.dateTime = m.created_at;
    time.textContent = when(m.created_at);
    // body_html is made by the server's sanitiser (community/core/sanitize.py), as in the page's own history.
    li.querySelector(".msg-body").innerHTML = m.body_html;
    const state = li.querySelector(".msg-state");
    state.replaceChildren(m.status !== "held" ? "" : m.author.id === me ? data.tHeld : data.tHeldOther);
    state.hidden = m.status !== "held";
  }

  function place(li, id) {
    // In id order; bubbles without an id (sending, or refused) stay below the stored ones.
    let node = list.lastElementChild;
    while (node && (!node.dataset.id || Number(node.dataset.id) > id)) node = node.previousElementSibling;
    list.insertBefore(li, node ? node.nextElementSibling : list.firstElementChild);
  }

  function nearBottom() {
    return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
  }

  function toBottom() {
    scroller.scrollTop = scroller.scrollHeight;
  }

  function show(m, { quiet = false } = {}) {
    if (m.room !== room) return;
    const known = shown.get(m.id);
    if (known) {
      if (!known.classList.contains("removed")) render(known, m);
      return;
    }
    const stick = !quiet && nearBottom();
    const own = m.author.id === me ? pending.get(m.client_id) : undefined;
    let li;
    if (own) {
      pending.delete(m.client_id);
      li = own.li;
      li.remove();
    } else {
      li = blank.cloneNode(true);
    }
    render(li, m);
    remember(m.id, li);
    place(li, m.id);
    empty.hidden = true;
    if (own || stick) toBottom();
    markRead();
  }

  function removed(id) {
    const li = shown.get(id);
    if (!li) return;
    li.classList.add("removed");
    li.classList.remove("held");
    li.querySelector(".msg-body").textContent = data.tRemoved;
    li.querySelector(".msg-state").hidden = true;
  }

  // ---- sending ------------------------------------------------------------------------------------

  function pendingBubble(clientId, body) {
    const li = blank.cloneNode(true);
    li.classList.add("mine", "pending");
    li.dataset.clientId = clientId;
    li.querySelector(".msg-author").textContent = data.meName;
    li.querySelector(".msg-body").textContent = body;
    const state = li.querySelector(".msg-state");
    state.textContent = data.tSending;
    state.hidden = false;
    return li;
  }

  function transmit(p) {
    if (!ready || !socket.connected) return; // sent on the next (re)connect
    const attempt = ++p.attempt;
    socket.timeout(ACK_TIMEOUT).emit("send", { room, body: p.body, client_id: p.clientId }, (err, ack) => {
      if (pending.get(p.clientId) !== p) return; // the server's copy is already shown
      if (err) {
        // No answer in time, or the connection went: try again (harmless, the server keeps one per client_id).
        if (attempt === p.attempt) transmit(p);
        return;
      }
      if (ack && ack.ok) settle(p, ack);
      else refuse(p, (ack && ack.error) || {});
    });
  }

  function settle(p, ack) {
    // Acknowledged but not yet seen: a resend of a message stored before a reconnect has no broadcast.
    pending.delete(p.clientId);
    const known = shown.get(ack.id);
    if (known) {
      if (known !== p.li) p.li.remove();
      return;
    }
    p.li.classList.remove("pending");
    p.li.dataset.id = ack.id;
    remember(ack.id, p.li);
    const state = p.li.querySelector(".msg-state");
    state.textContent = ack.status === "held" ? data.tHeld : "";
    state.hidden = ack.status !== "held";
    fetchMessages({ after: ack.id - 1, limit: 1 }).then((items) => items.forEach((m) => show(m))).catch(() => {});
  }

  function refuse(p, error) {
    pending.delete(p.clientId);
    const li = p.li;
    li.classList.remove("pending");
    li.classList.add("failed");
    const state = li.querySelector(".msg-state");
    state.replaceChildren(error.message || data.tFailed);
    if (error.clause) {
      const link = document.createElement("a");
      link.href = `${data.rulesUrl}#clause-${error.clause}`;
      link.textContent = fill(data.tClause, { clause: error.clause });
      state.append(" ", link);
    }
    const actions = document.createElement("span");
    actions.className = "msg-actions";
    const edit = document.createElement("button");
    edit.type = "button";
    edit.className = "button small secondary";
    edit.textContent = data.tEdit;
    edit.addEventListener("click", () => {
      if (input) {
        input.value = input.value.trim() ? `${p.body}\n${input.value}` : p.body;
        input.focus();
      }
      li.remove();
    });
    const dismiss = document.createElement("button");
    dismiss.type = "button";
    dismiss.className = "button small secondary";
    dismiss.textContent = data.tDismiss;
    dismiss.addEventListener("click", () => li.remove());
    actions.append(edit, dismiss);
    state.append(actions);
    state.hidden = false;
  }

  function submit() {
    const body = input.value;
    if (!body.trim()) return;
    const clientId = newClientId();
    const p = { clientId, body, li: pendingBubble(clientId, body), attempt: 0 };
    pending.set(p.clientId, p);
    list.append(p.li);
    empty.hidden = true;
    input.value = "";
    toBottom();
    transmit(p);
  }

  if (form) {
    form.hidden = false;
    let composing = false;
    input.addEventListener("compositionstart", () => { composing = true; });
    input.addEventListener("compositionend", () => { composing = false; });
    input.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" || event.shiftKey || event.altKey || event.ctrlKey || event.metaKey) return;
      // Enter that picks a candidate in an input method is not "send" (Safari fires it as keyCode 229 after
      // compositionend).
      if (composing || event.isComposing || event.keyCode === 229) return;
      event.preventDefault();
      submit();
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      submit();
      input.focus(); // keeps the on-screen keyboard up
    });
  }

  // ---- history and catch-up -----------------------------------------------------------------------

  async function fetchMessages(params) {
    const url = `${data.messagesUrl}?${new URLSearchParams(params)}`;
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(`${response.status} from ${url}`);
    return (await response.json()).items;
  }

  async function catchUp(after) {
    for (;;) {
      const items = await fetchMessages({ after, limit: 200 });
      items.forEach((m) => show(m));
      if (items.length < 200) return;
      after = items[items.length - 1].id;
    }
  }

  if (earlier) {
    earlier.addEventListener("click", async () => {
      earlier.disabled = true;
      try {
        const items = await fetchMessages({ before: lowest, limit: pageSize });
        const from = scroller.scrollHeight - scroller.scrollTop;
        items.forEach((m) => show(m, { quiet: true }));
        scroller.scrollTop = scroller.scrollHeight - from; // the message that was first stays in place
        earlier.hidden = items.length < pageSize;
      } finally {
        earlier.disabled = false;
      }
    });
  }

  // ---- reading ------------------------------------------------------------------------------------

  function markRead() {
    if (!ready || document.visibilityState !== "visible" || highest <= readSent) return;
    clearTimeout(readTimer);
    readTimer = setTimeout(() => {
      if (!socket.connected || highest <= readSent) return;
      readSent = highest;
      socket.emit("read", { room, last_id: highest });
    }, 300);
  }

  document.addEventListener("visibilitychange", markRead);

  // ---- the connection -----------------------------------------------------------------------------

  function status(text, state) {
    banner.textContent = text || "";
    banner.hidden = !text;
    banner.dataset.state = text ? state : "";
    root.dataset.connection = text ? state : "live";
  }

  function notice(text) {
    const p = document.createElement("p");
    p.className = "notice chat-notice";
    p.textContent = `${text} `;
    const link = document.createElement("a");
    link.href = data.standingUrl;
    link.textContent = data.tStanding;
    p.append(link);
    notices.append(p);
  }

  const socket = window.io({ reconnectionDelayMax: 5000 });
  window.linliSocket = socket; // live.js listens on the same connection (the badge, the desk queue)

  async function enter() {
    const before = highest;
    let answer;
    try {
      answer = await socket.timeout(ACK_TIMEOUT).emitWithAck("join", { room });
    } catch {
      if (socket.connected) setTimeout(enter, 1000);
      return;
    }
    if (!answer.ok) {
      status((answer.error && answer.error.message) || data.tOffline, "closed");
      return;
    }
    const history = answer.history;
    if (history.length) {
      // Removed while we were away: gone from the latest messages the server still shows.
      const present = new Set(history.map((m) => m.id));
      for (const id of shown.keys()) if (id >= history[0].id && !present.has(id)) removed(id);
    }
    history.forEach((m) => show(m));
    try {
      await catchUp(before);
    } catch {
      if (socket.connected) setTimeout(enter, 1000);
      return;
    }
    if (!socket.connected) return;
    ready = true;
    status("");
    for (const p of pending.values()) transmit(p);
    markRead();
  }

  socket.on("connect", enter);
  socket.on("disconnect", (reason) => {
    ready = false;
    // The server only hangs up on purpose (a sanction); anything else reconnects by itself.
    status(reason === "io server disconnect" ? data.tOffline : data.tReconnecting,
      reason === "io server disconnect" ? "closed" : "reconnecting");
  });
  socket.on("connect_error", (error) => {
    if (socket.active) {
      status(data.tReconnecting, "reconnecting");
    } else {
      // Refused by the server: not logged in, suspended…; it will not retry by itself.
      const reason = error && error.data && error.data.code !== "unauthenticated" ? error.data.message : "";
      status(reason ? `${data.tOffline} ${reason}` : data.tOffline, "closed");
    }
  });
  socket.io.on("reconnect_attempt", () => status(data.tReconnecting, "reconnecting"));
  socket.on("message", (m) => show(m));
  socket.on("message_removed", (m) => {
    if (m.room === room) removed(m.id);
  });
  // Rights changed while the page was open (left the committee, sold the unit): this room is no longer theirs.
  socket.on("room_left", (r) => {
    if (r.room !== room) return;
    ready = false;
    status(data.tRoomLeft, "closed");
  });
  socket.on("sanctioned", (s) => {
    const until = s.until ? whenFull(s.until) : "";
    const text = {
      warn: data.tWarn,
      mute: fill(data.tMute, { until }),
      suspend: until ? fill(data.tSuspend, { until }) : data.tSuspendOpen,
      blacklist: data.tBlacklist,
    }[s.kind];
    if (text) notice(text);
  });

  // The composer stays above the on-screen keyboard: size the room to the visual viewport where there is one.
  if (window.visualViewport) {
    const fit = () => {
      const { height, scale } = window.visualViewport; // a pinch zoom is not a smaller screen
      document.documentElement.style.setProperty("--chat-viewport", `${Math.round(height * scale)}px`);
      root.classList.add("fit");
    };
    window.visualViewport.addEventListener("resize", fit);
    fit();
  }
  toBottom();
})();
