// The review page's keys, as in Anki: Space shows the answer, 1–4 answer Again, Hard, Good,
// Easy, u undoes the last answer. Each key presses the page's own button or link, so that
// the page works the same without this file.
document.addEventListener("DOMContentLoaded", () => {
  const answer = document.getElementById("answer");
  const answerForm = document.getElementById("answer-form");
  const showAnswer = document.getElementById("show-answer");
  const undo = document.getElementById("undo");
  let sent = false;

  const revealed = () => Boolean(answer) && !answer.hidden;

  const reveal = () => {
    if (!answer || revealed()) return;
    answer.hidden = false;
    answerForm.hidden = false;
    if (showAnswer) showAnswer.hidden = true;
    answer.focus();
  };

  if (showAnswer) {
    showAnswer.addEventListener("click", (event) => {
      event.preventDefault();
      reveal();
    });
  }
  // One answer or undo per page: a second key press while the first is on its way is ignored.
  for (const form of document.querySelectorAll("#answer-form, [data-testid='undo-form']")) {
    form.addEventListener("submit", (event) => {
      if (sent) event.preventDefault();
      sent = true;
    });
  }

  const typing = (target) => target.closest("input, textarea, select, [contenteditable]");

  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey || event.repeat || sent) return;
    if (typing(event.target)) return;
    if (event.key === " ") {
      // Space on a button or a summary keeps its own meaning (it presses it).
      if (revealed() || event.target.closest("button, summary")) return;
      event.preventDefault();
      reveal();
    } else if (/^[1-4]$/.test(event.key) && revealed()) {
      event.preventDefault();
      answerForm.querySelector(`button[value="${event.key}"]`).click();
    } else if ((event.key === "u" || event.key === "U") && undo) {
      event.preventDefault();
      undo.click();
    }
  });
});
