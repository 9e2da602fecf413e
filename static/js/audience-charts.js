// Draws the audience breakdowns embedded by the influencer page (json_script "audience-data").
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("audience-data");
  if (!source || !window.Chart) return;
  const audience = JSON.parse(source.textContent);
  const titles = { countries: "Countries", age_bands: "Ages", genders: "Genders" };
  for (const [dimension, shares] of Object.entries(audience)) {
    const canvas = document.getElementById(`chart-${dimension}`);
    if (!canvas) continue;
    const doughnut = dimension === "genders";
    new Chart(canvas, {
      type: doughnut ? "doughnut" : "bar",
      data: {
        labels: Object.keys(shares),
        datasets: [{ label: "% of audience", data: Object.values(shares).map(Number) }],
      },
      options: {
        indexAxis: dimension === "countries" ? "y" : "x",
        plugins: { title: { display: true, text: titles[dimension] }, legend: { display: doughnut } },
        scales: doughnut ? {} : { [dimension === "countries" ? "x" : "y"]: { beginAtZero: true, max: 100 } },
      },
    });
  }
});
