/* /bien-che/<id>/: the reduction roadmap of an agency (ECharts from npm, served by collectstatic):
   the quota and headcount at the end of each year against the line from the baseline year to the
   target. The data comes from the json_script block "staffing-roadmap-data"; the table under the
   chart has the same figures, so nothing is lost when this script does not run. */
(function () {
  "use strict";
  function vn(n) { return n === null || n === undefined ? "—" : Number(n).toLocaleString("vi-VN"); }
  function draw() {
    var el = document.getElementById("staffing-roadmap-data");
    var node = document.querySelector(".staffing-roadmap-chart");
    if (!el || !node || typeof echarts === "undefined") { return; }
    var data = JSON.parse(el.textContent);
    node.style.height = "280px";  /* set from script: the CSP allows no inline style attribute */
    var chart = echarts.init(node, null, { renderer: "svg" });
    chart.setOption({
      textStyle: { fontFamily: "system-ui, sans-serif" },
      title: { text: data.category, left: "center", bottom: 0, textStyle: { fontSize: 12, fontWeight: "normal" } },
      tooltip: { trigger: "axis", valueFormatter: vn },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 36, bottom: 28, containLabel: true },
      xAxis: { type: "category", data: data.years },
      /* not from zero (a 5% cut would not show), but below the smallest bar so that it shows */
      yAxis: {
        type: "value",
        min: function (v) { return Math.max(0, Math.floor(v.min - Math.max(2, (v.max - v.min) / 2))); },
        axisLabel: { formatter: vn }
      },
      series: [
        { name: "Biên chế được giao", type: "bar", data: data.quota },
        { name: "Thực có", type: "bar", data: data.headcount },
        { name: data.target_label, type: "line", data: data.target, lineStyle: { type: "dashed" }, symbol: "none" }
      ]
    });
    node.setAttribute("data-drawn", "1");
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
