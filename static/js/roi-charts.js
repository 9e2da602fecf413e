// Draws the spend, revenue and ROI charts of the dashboard and the campaign page. Each canvas
// names its kind (data-chart) and the json_script element holding the data (data-source); the
// charts are drawn again when HTMX swaps their section in.
(() => {
  const money = (values) => values.map((value) => (value === null ? null : Number(value)));
  const percentAxis = { ticks: { callback: (value) => `${value}%` } };
  // The series' names come with the data, in the reader's language (English without them).
  const named = (data, key, english) => (data.names && data.names[key]) || english;

  const kinds = {
    trend: (data) => ({
      data: {
        labels: data.labels,
        datasets: [
          { type: "bar", label: named(data, "spend", "Spend"), data: money(data.spend), yAxisID: "amount" },
          { type: "bar", label: named(data, "revenue", "Revenue"), data: money(data.revenue), yAxisID: "amount" },
          {
            type: "line",
            label: named(data, "roi", "ROI to date (%)"),
            data: money(data.roi),
            yAxisID: "roi",
            spanGaps: true,
          },
        ],
      },
      options: {
        scales: {
          amount: { position: "left", beginAtZero: true },
          roi: { position: "right", grid: { drawOnChartArea: false }, ...percentAxis },
        },
      },
    }),
    methods: (data) => ({
      type: "bar",
      data: { labels: data.labels, datasets: [{ label: named(data, "roi", "ROI (%)"), data: money(data.roi) }] },
      options: { indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: percentAxis } },
    }),
    funnel: (data) => ({
      type: "bar",
      data: { labels: data.labels, datasets: [{ label: named(data, "values", "People and actions"), data: data.values }] },
      options: { indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true } } },
    }),
    targets: (data) => ({
      type: "bar",
      data: { labels: data.labels, datasets: [{ label: named(data, "percent", "% of target"), data: money(data.percent) }] },
      options: {
        indexAxis: "y",
        plugins: { legend: { display: false } },
        scales: { x: { beginAtZero: true, suggestedMax: 100, ...percentAxis } },
      },
    }),
  };
  kinds.spend_revenue = kinds.trend;

  function draw(root) {
    if (!window.Chart) return;
    for (const canvas of root.querySelectorAll("canvas[data-chart][data-source]")) {
      const source = document.getElementById(canvas.dataset.source);
      const make = kinds[canvas.dataset.chart];
      if (!source || !make) continue;
      Chart.getChart(canvas)?.destroy();
      const data = JSON.parse(source.textContent)[canvas.dataset.chart];
      const chart = make(data);
      // The box around the canvas sets the height, so a narrow screen keeps it readable.
      chart.options = { ...chart.options, maintainAspectRatio: false };
      new Chart(canvas, { type: "bar", ...chart });
    }
  }

  document.addEventListener("DOMContentLoaded", () => draw(document));
  document.addEventListener("htmx:afterSettle", () => draw(document));
})();
