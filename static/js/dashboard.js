/* Dashboard charts (ECharts). Data comes from the json_script block "dashboard-data"; every
   chart also has a table on the page, so nothing is lost when this script does not run. */
(function () {
  "use strict";
  function vn(n) { return Number(n || 0).toLocaleString("vi-VN"); }
  function draw() {
    var el = document.getElementById("dashboard-data");
    if (!el || typeof echarts === "undefined") { return; }
    var data = JSON.parse(el.textContent);
    var charts = [];
    var base = { textStyle: { fontFamily: "system-ui, sans-serif" }, tooltip: { valueFormatter: vn },
                 grid: { left: 8, right: 8, top: 32, bottom: 8, containLabel: true } };
    function make(node, option) {
      var chart = echarts.init(node, null, { renderer: "svg" });
      chart.setOption(Object.assign({}, base, option));
      charts.push(chart);
    }
    document.querySelectorAll(".dash-chart").forEach(function (node) {
      var kind = node.getAttribute("data-chart");
      if (kind === "trend") {
        make(node, {
          legend: { top: 0 }, tooltip: { trigger: "axis", valueFormatter: vn },
          xAxis: { type: "category", data: data.trend.map(function (t) { return String(t.year); }) },
          yAxis: [{ type: "value", axisLabel: { formatter: vn } }, { type: "value", axisLabel: { formatter: vn } }],
          series: [
            { name: "Đảng viên", type: "line", data: data.trend.map(function (t) { return t.total; }) },
            { name: "Kết nạp", type: "bar", yAxisIndex: 1, data: data.trend.map(function (t) { return t.admitted; }) },
            { name: "Chỉ tiêu", type: "bar", yAxisIndex: 1, data: data.trend.map(function (t) { return t.quota || 0; }) }
          ]
        });
      } else if (kind === "pyramid") {
        make(node, {
          legend: { top: 0 }, tooltip: { trigger: "axis", valueFormatter: function (v) { return vn(Math.abs(v)); } },
          xAxis: { type: "value", axisLabel: { formatter: function (v) { return vn(Math.abs(v)); } } },
          yAxis: { type: "category", data: data.pyramid.map(function (p) { return p.label; }) },
          series: [
            { name: "Nam", type: "bar", stack: "a", data: data.pyramid.map(function (p) { return -p.male; }) },
            { name: "Nữ", type: "bar", stack: "a", data: data.pyramid.map(function (p) { return p.female; }) }
          ]
        });
      } else if (kind === "composition") {
        var comp = data.composition[node.getAttribute("data-dim")];
        make(node, { tooltip: { trigger: "item", valueFormatter: vn },
                     series: [{ type: "pie", radius: ["35%", "70%"], data: comp.cells }] });
      } else if (kind === "children") {
        make(node, {
          tooltip: { trigger: "axis", valueFormatter: vn },
          xAxis: { type: "category", data: data.children.map(function (c) { return c.name; }),
                   axisLabel: { rotate: 30, width: 120, overflow: "truncate" } },
          yAxis: { type: "value", axisLabel: { formatter: vn } },
          series: [{ name: "Đảng viên", type: "bar", data: data.children.map(function (c) { return c.total; }) }]
        });
      }
      node.setAttribute("data-drawn", "1");
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
