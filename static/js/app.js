// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  const relation = document.getElementById("relation");
  const organization = document.getElementById("organization");
  if (relation && organization) {
    const sync = () => {
      organization.closest(".field").hidden = relation.value !== "vendor";
    };
    relation.addEventListener("change", sync);
    sync();
  }

  // Wide screens show a thread as a tree: replies follow the post they answer (depth-first, as the server
  // numbered them in data-tree); phones keep the flat list in time order, which is the order of the HTML.
  const replies = document.getElementById("replies");
  if (replies && replies.querySelector("[data-tree]")) {
    const byTime = [...replies.children];
    const byTree = [...byTime].sort((a, b) => Number(a.dataset.tree) - Number(b.dataset.tree));
    const wide = window.matchMedia("(min-width: 900px)");
    const arrange = () => {
      replies.append(...(wide.matches ? byTree : byTime));
      replies.classList.toggle("threaded", wide.matches);
    };
    wide.addEventListener("change", arrange);
    arrange();
  }
});

// The installable shell: the worker keeps styles, scripts and the offline page, never a person's pages.
if ("serviceWorker" in navigator && window.isSecureContext) {
  const url = document.currentScript && document.currentScript.dataset.sw;
  if (url) {
    window.addEventListener("load", () => {
      navigator.serviceWorker.register(url, { scope: "/" }).catch(() => {});
    });
  }
}
