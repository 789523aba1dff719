/* /bien-che/: quota and headcount per agency (ECharts from npm, served by collectstatic). The data
   comes from the json_script block "staffing-chart-data"; the same figures are in the table on the
   page, so nothing is lost when this script does not run. */
(function () {
  "use strict";
  function vn(n) { return Number(n || 0).toLocaleString("vi-VN"); }
  function draw() {
    var el = document.getElementById("staffing-chart-data");
    var node = document.querySelector(".staffing-chart");
    if (!el || !node || typeof echarts === "undefined") { return; }
    var data = JSON.parse(el.textContent);
    node.style.height = Math.max(240, 40 + 28 * data.names.length) + "px";
    var chart = echarts.init(node, null, { renderer: "svg" });
    chart.setOption({
      textStyle: { fontFamily: "system-ui, sans-serif" },
      tooltip: { trigger: "axis", valueFormatter: vn },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "value", axisLabel: { formatter: vn } },
      yAxis: { type: "category", inverse: true, data: data.names },
      series: [
        { name: "Biên chế được giao", type: "bar", data: data.quota },
        { name: "Thực có", type: "bar", data: data.headcount }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
