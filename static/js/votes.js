// Live turnout on a vote's page: asks the API for the vote now and then and moves the bars.
// Progressive enhancement only: without it the page shows the turnout as of loading.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.querySelector("[data-turnout-url]");
  if (!box) return;
  const url = box.dataset.turnoutUrl;
  const every = Math.max(1, Number(box.dataset.pollSeconds) || 15) * 1000;
  const persons = box.querySelector("[data-turnout=persons]");
  const area = box.querySelector("[data-turnout=area]");
  const personsBar = document.getElementById("turnout-persons");
  const areaBar = document.getElementById("turnout-area");
  const centi = (text) => Math.round(Number(text) * 100);

  const refresh = async () => {
    if (document.hidden) return;
    let vote;
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok) return;
      vote = await response.json();
    } catch {
      return; // offline for a moment: try again at the next tick
    }
    persons.textContent = vote.persons_participating;
    area.textContent = vote.area_participating;
    personsBar.value = vote.persons_participating;
    areaBar.value = centi(vote.area_participating);
    if (vote.status !== "open") {
      clearInterval(timer);
      window.location.reload();
    }
  };
  const timer = setInterval(refresh, every);
  document.addEventListener("visibilitychange", refresh);
});

// A step that cannot be undone (announce, open, close, finalise, revoke) asks first: the confirm sheet
// (confirm.js) reads its data-confirm.

// An election marks at most as many candidates as there are seats.
document.addEventListener("change", (event) => {
  const box = event.target;
  if (box.type !== "checkbox" || !box.name.startsWith("item-")) return;
  const fieldset = box.closest("fieldset");
  const limit = Number(fieldset && fieldset.dataset.seats);
  if (!limit) return;
  const marked = fieldset.querySelectorAll("input[type=checkbox]:checked");
  if (marked.length > limit) box.checked = false;
});
