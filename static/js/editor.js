// The writing toolbar: bold, list, quote, photo and a preview, for every <textarea data-editor>. Progressive
// enhancement only: without this file the form still posts, and its own Preview button asks the server.
// The preview is made by the server (POST /api/v1/preview), with the renderer and sanitiser that publishing uses,
// so what is shown is what will be stored. data-editor="post" links @mentions as a post does; "notice" does not.
(() => {
  "use strict";
  const script = document.currentScript;
  const previewUrl = script && script.dataset.previewUrl;
  const labels = JSON.parse((script && script.dataset.labels) || "{}");
  const t = (key) => labels[key] || key;
  let serial = 0;

  function attach(area) {
    if (area.dataset.editorReady) return;
    area.dataset.editorReady = "1";
    const form = area.form;
    const kind = area.dataset.editor === "notice" ? "notice" : "post";
    const files = form && form.querySelector("input[type=file]");
    const id = area.id || `editor-${++serial}`;
    area.id = id;

    const bar = document.createElement("div");
    bar.className = "editor-toolbar";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", t("toolbar"));
    bar.setAttribute("aria-controls", id);

    const panel = document.createElement("div");
    panel.className = "editor-preview post-body";
    panel.id = `${id}-preview`;
    panel.hidden = true;
    panel.tabIndex = -1;
    panel.setAttribute("aria-live", "polite");
    panel.setAttribute("aria-label", t("preview"));

    const buttons = [];
    function button(name, text, action) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = `editor-button editor-tool-${name}`; // not "editor-preview": that is the panel
      b.dataset.tool = name;
      b.textContent = text;
      b.tabIndex = buttons.length ? -1 : 0; // one tab stop; the arrow keys move along the toolbar
      b.addEventListener("click", action);
      bar.append(b);
      buttons.push(b);
      return b;
    }

    const writeTools = [
      button("bold", t("bold"), () => wrap("**")),
      button("list", t("list"), () => prefixLines("- ")),
      button("quote", t("quote"), () => prefixLines("> ")),
    ];
    if (files) writeTools.push(button("photo", t("photo"), () => files.click()));
    const toggle = button("preview", t("preview"), () => (panel.hidden ? showPreview() : showWriting()));
    toggle.setAttribute("aria-pressed", "false");
    toggle.setAttribute("aria-controls", panel.id);

    bar.addEventListener("keydown", (event) => {
      const enabled = buttons.filter((b) => !b.disabled);
      const at = enabled.indexOf(document.activeElement);
      if (at < 0) return;
      const step = { ArrowRight: 1, ArrowLeft: -1, Home: -at, End: enabled.length - 1 - at }[event.key];
      if (step === undefined) return;
      event.preventDefault();
      focusTool(enabled[(at + step + enabled.length) % enabled.length]);
    });
    function focusTool(target, { move = true } = {}) {
      for (const b of buttons) b.tabIndex = b === target ? 0 : -1;
      if (move) target.focus();
    }
    area.addEventListener("keydown", (event) => {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === "b") {
        event.preventDefault();
        wrap("**");
      }
    });

    area.before(bar);
    area.after(panel);
    // The toolbar's preview replaces the form's own round trip to the server.
    const serverPreview = form && form.querySelector("button[name=preview]");
    if (serverPreview) serverPreview.hidden = true;

    function changed() {
      area.dispatchEvent(new Event("input", { bubbles: true }));
      area.focus();
    }

    function wrap(mark) {
      const { selectionStart: start, selectionEnd: end, value } = area;
      const inner = value.slice(start, end);
      area.setRangeText(`${mark}${inner}${mark}`, start, end, "select");
      area.setSelectionRange(start + mark.length, start + mark.length + inner.length);
      changed();
    }

    function prefixLines(prefix) {
      const { value } = area;
      const start = value.lastIndexOf("\n", area.selectionStart - 1) + 1;
      let end = value.indexOf("\n", Math.max(area.selectionEnd - (area.selectionEnd > start ? 1 : 0), start));
      if (end < 0) end = value.length;
      const lines = value.slice(start, end).split("\n");
      // Pressed again on lines that all have it, it takes the mark away.
      const all = lines.every((line) => line.startsWith(prefix));
      const text = lines.map((line) => (all ? line.slice(prefix.length) : prefix + line)).join("\n");
      area.setRangeText(text, start, end, "end");
      changed();
    }

    function body() {
      // Images already uploaded (carried as "id:key" pairs) are appended as publishing appends them.
      const uploaded = form && form.querySelector("input[name=uploaded]");
      const keys = uploaded && uploaded.value ? uploaded.value.split(",").map((pair) => pair.split(":")[1]) : [];
      const images = keys.filter(Boolean).map((key) => `![](/media/${key})`).join("\n");
      return images ? `${area.value}\n\n${images}` : area.value;
    }

    function localImages() {
      // Photos chosen but not sent yet: shown from the phone itself, below the text, where they will appear.
      if (!files || !files.files || !files.files.length) return null;
      const list = document.createElement("p");
      list.className = "editor-photos";
      for (const file of files.files) {
        if (!file.type.startsWith("image/")) continue;
        const img = document.createElement("img");
        img.src = URL.createObjectURL(file);
        img.alt = file.name;
        img.addEventListener("load", () => URL.revokeObjectURL(img.src), { once: true });
        list.append(img);
      }
      return list.childElementCount ? list : null;
    }

    async function showPreview() {
      const csrf = form && form.querySelector("input[name=csrf_token]");
      panel.hidden = false;
      area.hidden = true;
      toggle.textContent = t("edit");
      toggle.setAttribute("aria-pressed", "true");
      for (const b of writeTools) b.disabled = true;
      focusTool(toggle, { move: false });
      panel.replaceChildren(t("loading"));
      try {
        const response = await fetch(previewUrl, {
          method: "POST", credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrf ? csrf.value : "" },
          body: JSON.stringify({ body: body(), kind }),
        });
        const data = await response.json().catch(() => ({}));
        if (panel.hidden) return; // back to writing meanwhile
        if (!response.ok) {
          const message = document.createElement("p");
          message.className = "error";
          message.setAttribute("role", "alert");
          message.textContent = (data.error && data.error.message) || t("failed");
          panel.replaceChildren(message);
          return;
        }
        // body_html comes from the server's sanitiser (community/core/sanitize.py), as on the published page.
        panel.innerHTML = data.body_html || "";
        if (!area.value.trim()) panel.replaceChildren(t("empty"));
        const photos = localImages();
        if (photos) panel.append(photos);
      } catch (error) {
        panel.textContent = t("failed");
      }
    }

    function showWriting() {
      panel.hidden = true;
      area.hidden = false;
      toggle.textContent = t("preview");
      toggle.setAttribute("aria-pressed", "false");
      for (const b of writeTools) b.disabled = false;
      area.focus();
    }

    // A form sent while previewing still sends the text (a hidden textarea is submitted as usual).
    if (form) form.addEventListener("submit", () => { if (!panel.hidden) showWriting(); });
  }

  function attachAll() {
    if (!previewUrl) return;
    for (const area of document.querySelectorAll("textarea[data-editor]")) attach(area);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", attachAll);
  else attachAll();
})();
