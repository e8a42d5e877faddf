// The live job page: follows the job's server-sent events (/jobs/ID/events), draws objective,
// bound and gap over time with uPlot, and reloads the page when the job ends. Without
// JavaScript the page reloads itself (a <noscript> refresh) instead.
(function () {
  "use strict";
  var box = document.getElementById("progress-chart");
  if (!box || !window.EventSource) { return; }
  var text = document.getElementById("progress-text");
  var stateEl = document.getElementById("job-state");
  var data = [[], [], [], []];
  var plot = null;
  function draw() {
    if (!window.uPlot || data[0].length < 1) { return; }
    var width = Math.max(280, Math.min(box.clientWidth || 600, 760));
    if (!plot) {
      plot = new uPlot({
        width: width, height: 220,
        scales: { x: { time: false }, gap: { range: [0, 1] } },
        axes: [{ label: "seconds" }, { label: "objective / bound" }, { side: 1, scale: "gap", label: "gap",
               values: function (u, v) { return v.map(function (x) { return (x * 100).toFixed(0) + " %"; }); } }],
        series: [{ label: "s" }, { label: "objective", stroke: "#0072B2", width: 2 },
                 { label: "bound", stroke: "#D55E00", width: 2, dash: [6, 3] },
                 { label: "gap", stroke: "#009E73", scale: "gap", width: 2 }]
      }, data, box);
    } else {
      plot.setData(data);
    }
  }
  window.addEventListener("resize", function () {
    if (plot) { plot.setSize({ width: Math.max(280, Math.min(box.clientWidth || 600, 760)), height: 220 }); }
  });
  var source = new EventSource(box.getAttribute("data-events"));
  source.addEventListener("progress", function (e) {
    var p = JSON.parse(e.data);
    data[0].push(p.elapsed_s); data[1].push(p.objective); data[2].push(p.bound); data[3].push(p.gap);
    if (text) {
      var gap = p.gap === null || p.gap === undefined ? "–" : (p.gap * 100).toFixed(2) + " %";
      text.textContent = "tier " + p.tier + ": objective " + p.objective + ", bound " + p.bound +
        ", gap " + gap + " after " + p.elapsed_s + " s";
    }
    draw();
  });
  source.addEventListener("state", function (e) {
    var s = JSON.parse(e.data).state;
    if (stateEl) { stateEl.textContent = s; }
    if (s === "succeeded" || s === "failed" || s === "cancelled") {
      source.close();
      window.location.reload();
    }
  });
  source.onerror = function () {
    if (source.readyState === EventSource.CLOSED) { window.location.reload(); }
  };
})();
