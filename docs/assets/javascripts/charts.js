/*
 * A window on the site-wide chart of rulings over time. Without JavaScript the page shows the
 * whole period (static SVG from ceeatlas/charts.py); with it, two menus choose the first and the
 * last period and the chart is drawn again for them, the same way as ceeatlas.charts draws it
 * (stackedColumns mirrors stacked_columns; tests/test_charts_js.py compares the two).
 * Text goes in with textContent only.
 */
(function () {
  "use strict";

  var NS = "http://www.w3.org/2000/svg", WIDTH = 640, SERIES = 11;

  function niceMax(value) {
    if (value <= 0) return 1;
    for (var step = 1; ; step *= 10) {
      for (var i = 0; i < 3; i++) { var top = step * [1, 2, 5][i]; if (top >= value) return top; }
    }
  }

  function round1(x) { return Math.round(x * 10) / 10; }

  /* A plain description of the shapes, so Node can compare it with the Python chart. */
  function stackedColumns(periods, series) {
    var left = 44, right = 8, top = 10, plot = 180;
    var totals = periods.map(function (_, i) { return series.reduce(function (sum, s) { return sum + s[1][i]; }, 0); });
    var scale = niceMax(Math.max.apply(null, totals.concat([0])));
    var step = (WIDTH - left - right) / Math.max(periods.length, 1), width = Math.max(step * 0.7, 1);
    var rects = [], labels = [], every = Math.max(1, Math.round(periods.length / 12));
    periods.forEach(function (period, index) {
      var x = left + index * step + (step - width) / 2, base = top + plot;
      series.forEach(function (s, number) {
        var value = s[1][index];
        if (!value) return;
        var h = plot * value / scale;
        base -= h;
        rects.push({ cls: "atlas-series-" + (number % SERIES), x: round1(x), y: round1(base), width: round1(width),
                     height: round1(h), title: s[0] + ", " + period + ": " + value.toLocaleString("en-US") });
      });
      if (index % every === 0) labels.push({ x: round1(x + width / 2), text: period });
    });
    return { scale: scale, rects: rects, labels: labels, top: top, plot: plot, left: left, right: right };
  }

  function node(tag, attrs, text) {
    var el = document.createElementNS(NS, tag);
    Object.keys(attrs || {}).forEach(function (key) { el.setAttribute(key, attrs[key]); });
    if (text !== undefined) el.textContent = text;
    return el;
  }

  /* Redraw the chart's plot (gridlines, columns, period labels) for the chosen periods; the
     title, the summary and the legend stay as the build wrote them. */
  function redraw(svg, data, first, last) {
    var periods = data.periods.slice(first, last + 1);
    var series = data.series.map(function (s) { return [s[0], s[1].slice(first, last + 1)]; });
    var shapes = stackedColumns(periods, series);
    var plot = svg.querySelector("g.atlas-plot");
    while (plot.firstChild) plot.removeChild(plot.firstChild);
    [0, shapes.scale / 2, shapes.scale].forEach(function (tick) {
      var y = round1(shapes.top + shapes.plot - shapes.plot * tick / shapes.scale);
      plot.appendChild(node("line", { x1: shapes.left, x2: WIDTH - shapes.right, y1: y, y2: y, stroke: "currentColor", "stroke-opacity": "0.25" }));
      plot.appendChild(node("text", { x: shapes.left - 6, y: y + 4, "text-anchor": "end", fill: "currentColor" },
        Math.floor(tick).toLocaleString("en-US")));
    });
    shapes.rects.forEach(function (r) {
      var rect = node("rect", { "class": r.cls, x: r.x, y: r.y, width: r.width, height: r.height });
      rect.appendChild(node("title", {}, r.title));
      plot.appendChild(rect);
    });
    shapes.labels.forEach(function (l) {
      plot.appendChild(node("text", { x: l.x, y: shapes.top + shapes.plot + 16, "text-anchor": "middle", fill: "currentColor" }, l.text));
    });
  }

  function init() {
    Array.prototype.slice.call(document.querySelectorAll(".atlas-windowed")).forEach(function (box) {
      if (box.dataset.ready) return;
      box.dataset.ready = "1";
      var data = JSON.parse(box.getAttribute("data-chart"));
      var svg = box.querySelector("svg.atlas-chart");
      if (!svg || !svg.querySelector("g.atlas-plot") || data.periods.length < 3) return;
      var form = document.createElement("form");
      form.className = "atlas-window";
      var selects = ["From", "To"].map(function (word, i) {
        var id = "atlas-window-" + word.toLowerCase();
        var label = document.createElement("label");
        label.setAttribute("for", id);
        label.textContent = word + " ";
        var select = document.createElement("select");
        select.id = id;
        data.periods.forEach(function (period, index) {
          var option = document.createElement("option");
          option.value = String(index);
          option.textContent = period;
          select.appendChild(option);
        });
        select.value = String(i === 0 ? 0 : data.periods.length - 1);
        label.appendChild(select);
        form.appendChild(label);
        return select;
      });
      var note = document.createElement("span");
      note.setAttribute("aria-live", "polite");
      form.appendChild(note);
      box.insertBefore(form, box.firstChild);
      function update() {
        var first = Number(selects[0].value), last = Number(selects[1].value);
        if (first > last) { var swap = first; first = last; last = swap; }
        redraw(svg, data, first, last);
        note.textContent = " Showing " + data.periods[first] + " to " + data.periods[last] + ".";
      }
      selects.forEach(function (select) { select.addEventListener("change", update); });
    });
  }

  if (typeof module !== "undefined" && module.exports) {
    module.exports = { niceMax: niceMax, stackedColumns: stackedColumns };
  } else {
    window.atlasOnPage(init);
  }
})();
