// A mock-interview room, live over Socket.IO. The server keeps everything (question, deadline,
// the answer typed so far, chat, scores): on every (re)connection the page joins the room
// again and redraws from the state it is sent, so a reload or a lost connection loses nothing.
// Text from people is always put in with textContent, never as HTML.
document.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("room");
  if (!root || typeof io === "undefined") return;
  const roomId = Number(root.dataset.roomId);
  const role = root.dataset.role;
  const $ = (id) => root.querySelector(`[data-testid="${id}"]`);
  const connection = $("room-connection");
  const problem = $("room-error");
  const timer = $("room-timer");
  const answer = $("room-answer");
  const chatForm = root.querySelector("[data-chat-form]");
  let current = null; // the question being asked: {item, ...}
  let endsAt = 0;
  let drafting = null; // the answer's next send, a moment after the last keystroke

  const socket = io({ transports: ["websocket", "polling"], auth: { protocol: Number(root.dataset.protocol) } });
  const send = (event, payload) => new Promise((resolve) => {
    socket.timeout(10000).emit(event, { room: roomId, ...payload }, (err, ack) => {
      if (err) { showProblem("The server did not answer: try again."); resolve(null); return; }
      if (!ack.ok) showProblem(ack.error.message); else hideProblem();
      resolve(ack.ok ? ack : null);
    });
  });
  const showProblem = (message) => { problem.textContent = message; problem.classList.remove("d-none"); };
  const hideProblem = () => problem.classList.add("d-none");

  const clock = (ms) => {
    const seconds = Math.ceil(ms / 1000);
    return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
  };
  setInterval(() => {
    if (!current) return;
    const left = endsAt - performance.now();
    timer.querySelector("[data-countdown]").textContent = left > 0 ? clock(left) : "";
    const label = timer.querySelector("[data-countdown-label]");
    const text = left > 0 ? "left" : "Time is up";
    if (label.textContent !== text) label.textContent = text;
  }, 250);

  const showQuestion = (question) => {
    if (!question) return;
    const changed = !current || current.item !== question.item;
    current = question;
    endsAt = performance.now() + question.remaining_ms;
    $("room-progress").textContent = `Question ${question.position} of ${question.count}`;
    $("room-prompt").textContent = question.prompt;
    if (answer && changed) {
      clearTimeout(drafting); // what was typed for the last question is not this one's answer
      answer.value = "";
      $("room-answer-state").textContent = "";
      answer.disabled = false;
      // Into the answer, unless a chat message is being typed: its keys must not land there.
      const typing = chatForm?.contains(document.activeElement) && document.activeElement.value;
      if (!typing) answer.focus();
    }
    if (changed && role !== "candidate") showDraft({ item: question.item, text: "" });
    const row = root.querySelector(`[data-item-id="${question.item}"]`);
    if (row) {
      row.dataset.asked = "yes";
      row.querySelector("[data-item-status]").textContent = "asked";
    }
  };
  const showDraft = (draft) => {
    if (!draft || (current && draft.item !== current.item)) return;
    if (answer) {
      if (document.activeElement !== answer) answer.value = draft.text;
      return;
    }
    const box = $("room-draft");
    box.textContent = draft.text || "Nothing typed yet.";
    box.classList.toggle("text-body-secondary", !draft.text);
  };
  const showPeople = (people) => {
    const list = $("room-people");
    list.replaceChildren(...people.map((p) => {
      const li = document.createElement("li");
      li.textContent = `${p.name} (${p.role}): ${p.connected ? "connected" : "away"}`;
      return li;
    }));
  };
  const addChat = (message) => {
    const log = $("room-chat");
    if (log.querySelector(`[data-message-id="${message.id}"]`)) return;
    const li = document.createElement("li");
    li.dataset.messageId = message.id;
    const who = document.createElement("strong");
    who.textContent = `${message.author}: `;
    li.append(who, document.createTextNode(message.text));
    log.append(li);
  };
  const showEnded = () => {
    const ended = $("room-ended");
    ended.classList.remove("d-none");
    root.querySelectorAll("button, textarea, input, select").forEach((el) => { el.disabled = true; });
    current = null;
    ended.querySelector("a").focus();
  };

  socket.on("connect", async () => {
    connection.textContent = "Connected.";
    const ack = await send("room:join", {});
    if (!ack) return;
    const state = ack.state;
    showPeople(state.people);
    state.chat.forEach(addChat);
    if (state.room.state === "ended") { showEnded(); return; }
    if (state.question) showQuestion(state.question);
    if (state.draft) {
      if (answer && !answer.value) answer.value = state.draft.text;
      showDraft(state.draft);
    }
  });
  socket.on("disconnect", () => { connection.textContent = "Connection lost: reconnecting…"; });
  // A refusal by the server is final (the client does not try again); anything else is retried.
  const refusals = {
    unauthorized: "Not connected: sign in again.",
    unsupported_protocol: "Not connected: this page is out of date. Reload it.",
  };
  socket.on("connect_error", (err) => {
    connection.textContent = refusals[err.message] || "Not connected: retrying…";
  });
  socket.on("room:question", showQuestion);
  socket.on("room:draft", showDraft);
  socket.on("room:chat", addChat);
  socket.on("room:presence", (data) => showPeople(data.people));
  socket.on("room:scored", (data) => {
    const row = root.querySelector(`[data-item-id="${data.item}"]`);
    if (row) row.querySelector("[data-score-state]").textContent = `Saved: ${data.score} of 5.`;
  });
  socket.on("room:ended", showEnded);
  setInterval(() => { if (socket.connected) socket.emit("room:here", { room: roomId }); },
    Number(root.dataset.heartbeatSeconds) * 1000);

  if (answer) {
    const state = $("room-answer-state");
    answer.addEventListener("input", () => {
      clearTimeout(drafting);
      state.textContent = "";
      drafting = setTimeout(async () => {
        if (!current) return;
        const ack = await send("room:draft", { item: current.item, text: answer.value });
        if (ack) state.textContent = ack.draft.late ? "Kept (after the time was up)." : "Kept.";
      }, 300);
    });
  }
  root.querySelector('[data-action="push"]')?.addEventListener("click", () => send("room:push", {}));
  root.querySelector('[data-action="end"]')?.addEventListener("click", () => send("room:end", {}));
  root.querySelectorAll("[data-score-form]").forEach((form) => {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const item = Number(form.closest("[data-item-id]").dataset.itemId);
      const score = Number(form.elements.score.value);
      if (!score) { form.querySelector("[data-score-state]").textContent = "Choose a score from 1 to 5."; return; }
      await send("room:score", { item, score, notes: form.elements.notes.value });
    });
  });
  chatForm?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = event.target.elements.text;
    if (!input.value.trim()) return;
    const ack = await send("room:chat", { text: input.value });
    if (ack) { addChat(ack.message); input.value = ""; }
  });
});
