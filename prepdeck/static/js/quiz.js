// The quiz countdown. The deadline lives on the server: the page says how many milliseconds
// were left when it was made, and this only counts them down. When they run out, the answer
// typed so far is sent (the server marks it late). Without this file the page still works.
document.addEventListener("DOMContentLoaded", () => {
  // Keys 1-4 press the grade buttons, as on the review page (not while typing).
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest("input, textarea, select, [contenteditable]")) return;
    const button = document.querySelector(`button[name="rating"][value="${event.key}"]`);
    if (button && ["1", "2", "3", "4"].includes(event.key)) {
      event.preventDefault();
      button.click();
    }
  });

  const timer = document.querySelector("[data-remaining-ms]");
  if (!timer) return;
  const shown = timer.querySelector("[data-countdown]");
  const label = timer.querySelector("[data-countdown-label]");
  const form = document.getElementById("answer-form");
  const endsAt = performance.now() + Number(timer.dataset.remainingMs);

  const format = (ms) => {
    const seconds = Math.ceil(ms / 1000);
    return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
  };

  let ticking = null;
  const tick = () => {
    const left = endsAt - performance.now();
    if (left > 0) {
      if (shown) shown.textContent = format(left);
      return;
    }
    clearInterval(ticking);
    if (shown) shown.remove();
    if (label) label.textContent = "Time is up";
    if (form && !form.dataset.sent) {
      form.dataset.sent = "1";
      form.requestSubmit();
    }
  };
  if (Number(timer.dataset.remainingMs) > 0) {
    ticking = setInterval(tick, 250);
  }
  if (form) form.addEventListener("submit", () => { form.dataset.sent = "1"; });
});
