// Petitions: the confirmation sheet before signing, and a question before a step that cannot be undone.
document.addEventListener("click", (event) => {
  const opener = event.target.closest("[data-open-sheet]");
  if (opener) {
    const sheet = document.getElementById(opener.dataset.openSheet);
    if (sheet && sheet.showModal) sheet.showModal();
    return;
  }
  const closer = event.target.closest("[data-close-sheet]");
  if (closer) closer.closest("dialog").close();
});

document.addEventListener("submit", (event) => {
  const message = event.target.dataset && event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});
