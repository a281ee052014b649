// The compliance dashboard's chart: the on-time rate per period, one bar per level (Chart.js, served
// locally from node_modules). The figures come from the page (json_script "dash-chart-data"); the table
// under the chart shows the same figures to screen readers, printers and browsers without scripts.
(function () {
  "use strict";
  var COLOURS = { province: "#6f42c1", department: "#0d6efd", district: "#198754", commune: "#fd7e14" };

  function draw() {
    var canvas = document.getElementById("dash-chart");
    var source = document.getElementById("dash-chart-data");
    if (!canvas || !source || typeof window.Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.datasets.map(function (set) {
          return {
            label: set.label,
            data: set.data.map(function (value) { return value === null ? null : Number(value); }),
            backgroundColor: COLOURS[set.level] || "#6c757d",
          };
        }),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { y: { min: 0, max: 100, title: { display: true, text: data.axis } } },
        plugins: {
          tooltip: { callbacks: { label: function (item) { return item.dataset.label + ": " + item.formattedValue + "%"; } } },
        },
      },
    });
    canvas.dataset.drawn = "true";
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
