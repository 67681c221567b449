// What changes while a page is open, over the person's own socket: the notifications badge in the nav (and a
// fresh notification at the top of the notifications page), and the front-desk queue for the staff. The chat
// room's page shares its connection (chat.js); elsewhere this opens one. Pages work without it.
document.addEventListener("DOMContentLoaded", () => {
  "use strict";
  const nav = document.querySelector(".nav-notifications");
  const desk = document.getElementById("chat-desk");
  if (!nav || typeof window.io !== "function") return;
  const socket = window.linliSocket || window.io({ reconnectionDelayMax: 10000 });

  function badge(count) {
    let span = nav.querySelector(".nav-count");
    if (!count) {
      if (span) span.remove();
      return;
    }
    if (!span) {
      span = document.createElement("span");
      span.className = "nav-count";
      nav.append(" ", span);
    }
    const hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = ` ${nav.dataset.tUnread || ""}`;
    span.replaceChildren(String(count), hidden);
  }

  socket.on("notification", (n) => {
    badge(n.count);
    const list = document.getElementById("notification-list");
    if (!list || !n.item) return;
    const li = document.createElement("li");
    li.className = "notification unread";
    li.dataset.kind = n.item.kind;
    const a = document.createElement("a");
    a.href = n.item.link;
    const dot = document.createElement("span");
    dot.className = "unread-dot";
    a.append(dot, n.item.text);
    li.append(a);
    list.prepend(li);
  });

  if (desk) {
    // The queue is the server's: on a change, fetch this page again and take its list.
    let busy = false;
    socket.on("desk_queue", async () => {
      if (busy) return;
      busy = true;
      try {
        const response = await fetch(window.location.href, { credentials: "same-origin" });
        if (response.ok) {
          const page = new DOMParser().parseFromString(await response.text(), "text/html");
          const fresh = page.querySelector("#chat-desk .desk-queue");
          const current = desk.querySelector(".desk-queue");
          if (fresh && current) current.replaceWith(fresh);
        }
      } finally {
        busy = false;
      }
    });
  }
});
