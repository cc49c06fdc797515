// The statistics page: draws the numbers of the #stats-data block (JSON, never executed)
// with Chart.js, and the reviews heatmap as a grid of cells, a week per column.
(() => {
  const source = document.getElementById("stats-data");
  if (!source || !window.Chart) return;
  const stats = JSON.parse(source.textContent);
  const reduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  Chart.defaults.animation = reduced ? false : { duration: 300 };
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.datasets.bar.maxBarThickness = 32;
  const percent = (value) => `${Math.round(value * 100)}%`;
  const shareAxis = { min: 0, max: 1, ticks: { callback: percent } };
  const shareTooltip = {
    callbacks: {
      label: (item) => `${item.dataset.label}: ${item.raw === null ? "no reviews" : percent(item.raw)}`,
    },
  };

  function draw(id, config) {
    const canvas = document.getElementById(id);
    if (canvas) new Chart(canvas, config);
  }

  function bars(id, labels, datasets, options = {}) {
    draw(id, { type: "bar", data: { labels, datasets }, options });
  }

  bars(
    "chart-retention-month",
    stats.retention_by_month.map((row) => row.month),
    [{ label: "True retention", data: stats.retention_by_month.map((row) => row.retention),
       backgroundColor: "#0d6efd" }],
    { scales: { y: shareAxis }, plugins: { tooltip: shareTooltip } },
  );
  bars(
    "chart-retention-level",
    stats.retention_by_level.map((row) => row.level || "no level"),
    [{ label: "True retention", data: stats.retention_by_level.map((row) => row.retention),
       backgroundColor: "#6f42c1" }],
    { scales: { y: shareAxis }, plugins: { tooltip: shareTooltip } },
  );
  bars(
    "chart-forecast",
    stats.forecast.map((row) => row.date),
    [{ label: "Reviews due", data: stats.forecast.map((row) => row.due), backgroundColor: "#198754" }],
    { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  );
  const states = ["new", "learning", "review", "relearning"]; // JSON objects keep no order
  draw("chart-states", {
    type: "doughnut",
    data: {
      labels: states,
      datasets: [{ label: "Cards", data: states.map((state) => stats.cards_by_state[state]),
                   backgroundColor: ["#6c757d", "#fd7e14", "#198754", "#dc3545"] }],
    },
  });
  bars(
    "chart-mastery",
    stats.mastery.map((row) => row.title),
    [
      { label: "Mastery", data: stats.mastery.map((row) => row.mastery), backgroundColor: "#198754" },
      { label: "Mean recall", data: stats.mastery.map((row) => row.mean_retrievability),
        backgroundColor: "#0d6efd" },
    ],
    { indexAxis: "y", scales: { x: shareAxis }, plugins: { tooltip: shareTooltip } },
  );

  // The heatmap: Monday at the top of each column; darker is more reviews.
  const grid = document.getElementById("heatmap");
  if (!grid || !stats.reviews_per_day.length) return;
  const most = Math.max(1, ...stats.reviews_per_day.map((day) => day.reviews));
  const first = new Date(`${stats.reviews_per_day[0].date}T00:00:00Z`);
  const cells = [];
  for (let blank = (first.getUTCDay() + 6) % 7; blank > 0; blank -= 1) {
    cells.push(document.createElement("span"));
  }
  for (const day of stats.reviews_per_day) {
    const cell = document.createElement("span");
    cell.className = `heat-${day.reviews ? Math.ceil((4 * day.reviews) / most) : 0}`;
    cell.title = `${day.date}: ${day.reviews} ${day.reviews === 1 ? "review" : "reviews"}`;
    cell.dataset.date = day.date;
    cell.dataset.reviews = day.reviews;
    cells.push(cell);
  }
  grid.replaceChildren(...cells);
})();
