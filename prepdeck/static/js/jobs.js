// Live job pages: while a socket is connected, the job's status is refreshed when the server
// says the job moved (`job:progress`, `job:finished`) instead of every second; while it is not
// connected, htmx's polling goes on as before. A notice is read out when the job ends.
document.addEventListener("DOMContentLoaded", () => {
  const script = document.currentScript || document.querySelector("script[src$='js/jobs.js']");
  const status = () => document.querySelector("[data-live-job]");
  if (!status() || typeof io === "undefined" || typeof htmx === "undefined") return;
  const [kind, id] = status().dataset.liveJob.split(":");
  const socket = io({ transports: ["websocket", "polling"], auth: { protocol: Number(script.dataset.protocol) } });
  let refreshing = false;

  // Polling requests wait while the socket speaks for the job.
  document.body.addEventListener("htmx:beforeRequest", (event) => {
    if (socket.connected && !refreshing && event.detail.elt.matches("[data-live-job]")) event.preventDefault();
  });
  const refresh = () => {
    const element = status();
    if (!element || refreshing) return;
    refreshing = true;
    htmx.ajax("GET", element.dataset.statusUrl, { target: element, swap: "outerHTML" })
      .finally(() => { refreshing = false; });
  };
  const mine = (data) => data.kind === kind && String(data.job) === id;
  socket.on("connect", refresh); // catch up on what happened before the socket was there
  socket.on("job:progress", (data) => { if (mine(data)) refresh(); });
  socket.on("job:finished", (data) => {
    if (!mine(data)) return;
    refresh();
    const notice = document.getElementById("job-notice");
    if (notice) notice.textContent = `The ${kind} ${data.state === "succeeded" ? "has finished" : "failed"}.`;
  });
});
