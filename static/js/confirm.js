// The confirm sheet and the toasts. Progressive enhancement: without this file every form submits as it is
// and the server's checks decide. Both work only with JavaScript, so this file makes them (their words come
// from this script tag's data-t-* attributes, in the reader's language) instead of every page sending them.
(() => {
  const words = document.currentScript.dataset;
  const sheet = () => document.getElementById("confirm-sheet");

  const build = () => {
    const toasts = document.createElement("div");
    toasts.className = "toasts";
    toasts.id = "toasts";
    toasts.setAttribute("aria-live", "polite");
    toasts.dataset.dismiss = words.tDismiss;
    const dialog = document.createElement("dialog");
    dialog.className = "sheet";
    dialog.id = "confirm-sheet";
    dialog.setAttribute("aria-labelledby", "confirm-sheet-title");
    dialog.setAttribute("aria-describedby", "confirm-sheet-body");
    // A fixed skeleton without any text; the words are set as text below.
    dialog.innerHTML = '<h2 id="confirm-sheet-title"></h2><div id="confirm-sheet-body">' +
      '<p class="sheet-message" data-sheet-message></p><ul class="sheet-choices" data-sheet-choices hidden></ul>' +
      '<p class="sheet-warning" data-sheet-warning hidden></p><p class="sheet-final muted" data-sheet-final></p>' +
      '</div><div class="sheet-buttons"><button type="button" class="button secondary" data-sheet-cancel></button>' +
      '<button type="button" class="button danger" data-sheet-ok></button></div>';
    dialog.querySelector("h2").textContent = words.tTitle;
    dialog.querySelector("[data-sheet-final]").textContent = words.tFinal;
    dialog.querySelector("[data-sheet-cancel]").textContent = words.tCancel;
    dialog.querySelector("[data-sheet-ok]").textContent = words.tOk;
    document.body.append(toasts, dialog);
  };
  let pending = null; // {form, submitter}

  const labelOf = (input) => {
    const label = input.closest("label") || document.querySelector(`label[for="${input.id}"]`);
    return (label ? label.textContent : input.value).trim();
  };

  // Each fieldset of a ballot: its legend and the marked answers ("—" when none is marked).
  const choices = (form) => [...form.querySelectorAll("fieldset")].map((set) => {
    const legend = set.querySelector("legend");
    const marked = [...set.querySelectorAll("input:checked")].map(labelOf);
    return {title: legend ? legend.textContent.trim() : "", marked};
  });

  const harsher = (form) => {
    const select = form.querySelector("select[name=sanction]");
    const suggested = form.dataset.confirmSuggested;
    if (!select || !suggested || !form.dataset.confirmHarsher) return "";
    const options = [...select.options];
    const at = options.findIndex((o) => o.value === suggested);
    if (at < 0 || select.selectedIndex <= at) return "";
    return form.dataset.confirmHarsher.replace("{suggested}", options[at].textContent.trim())
      .replace("{chosen}", select.options[select.selectedIndex].textContent.trim());
  };

  const open = (form, submitter) => {
    const dialog = sheet();
    const none = form.dataset.confirmNone || "—";
    let message = form.dataset.confirm;
    if (message.includes("{choices}")) {
      message = message.replace("{choices}", choices(form).flatMap((item) => item.marked).join(", ") || none);
    }
    dialog.querySelector("[data-sheet-message]").textContent = message;
    const list = dialog.querySelector("[data-sheet-choices]");
    list.replaceChildren();
    if ("confirmChoices" in form.dataset) {
      for (const item of choices(form)) {
        const li = document.createElement("li");
        li.textContent = (item.title ? item.title + ": " : "") + (item.marked.join(", ") || none);
        list.append(li);
      }
    }
    list.hidden = !list.children.length;
    const warning = dialog.querySelector("[data-sheet-warning]");
    warning.textContent = harsher(form);
    warning.hidden = !warning.textContent;
    const final = dialog.querySelector("[data-sheet-final]");
    final.dataset.usual = final.dataset.usual || final.textContent;
    final.textContent = "confirmFinal" in form.dataset ? form.dataset.confirmFinal : final.dataset.usual;
    final.hidden = !final.textContent;
    const ok = dialog.querySelector("[data-sheet-ok]");
    ok.textContent = form.dataset.confirmButton || (submitter && submitter.textContent.trim()) || ok.textContent;
    pending = {form, submitter};
    dialog.showModal();
    dialog.querySelector("[data-sheet-cancel]").focus();
  };

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!form.dataset || !form.dataset.confirm || !sheet()) return;
    if (form.dataset.confirmed === "yes") { delete form.dataset.confirmed; return; }
    const gate = form.dataset.confirmIf;
    if (gate && !(form.elements[gate] && form.elements[gate].value)) return;
    event.preventDefault();
    open(form, event.submitter);
  });

  document.addEventListener("DOMContentLoaded", () => {
    build();
    const dialog = sheet();
    if (dialog) {
      dialog.querySelector("[data-sheet-cancel]").addEventListener("click", () => dialog.close());
      dialog.querySelector("[data-sheet-ok]").addEventListener("click", () => {
        const {form, submitter} = pending;
        pending = null;
        dialog.close();
        form.dataset.confirmed = "yes";
        form.requestSubmit(submitter && submitter.form === form ? submitter : undefined);
      });
      dialog.addEventListener("close", () => {
        if (pending && pending.submitter) pending.submitter.focus();
        pending = null;
      });
    }
    const toasts = document.getElementById("toasts");
    document.querySelectorAll(".page > .flash").forEach((flash) => {
      if (!toasts) return;
      const toast = document.createElement("div");
      toast.className = "toast" + (flash.classList.contains("flash-error") ? " toast-error" : "");
      const close = document.createElement("button");
      close.type = "button";
      close.className = "toast-close";
      close.setAttribute("aria-label", toasts.dataset.dismiss);
      close.textContent = "×";
      close.addEventListener("click", () => toast.remove());
      toast.append(flash, close);
      toasts.append(toast);
      if (!flash.classList.contains("flash-error")) setTimeout(() => toast.classList.add("toast-fading"), 8000);
    });
    const focus = document.querySelector("[data-focus-on-load]");
    if (focus) focus.focus();
    // A page answered straight to a POST (a receipt shown once) reloads as the page it shows, not the POST.
    const address = document.querySelector("[data-replace-url]");
    if (address) history.replaceState(null, "", address.dataset.replaceUrl);
  });
})();
