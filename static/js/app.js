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
});
