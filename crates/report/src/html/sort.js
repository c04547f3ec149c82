// axlog's report page: click a column header to sort its table (numbers by their raw
// data-v value, text by locale), again to reverse. A row's sub-rows stay with it.
(function () {
  "use strict";
  var slice = Array.prototype.slice;
  function key(row, i, num) {
    var c = row.cells[i];
    if (num) {
      var v = c ? parseFloat(c.getAttribute("data-v")) : NaN;
      return isNaN(v) ? -Infinity : v;
    }
    return c ? c.textContent : "";
  }
  function sorted(rows, i, num, dir) {
    return rows
      .map(function (r, n) { return [key(r, i, num), n, r]; })
      .sort(function (a, b) {
        var d = num ? (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0) : a[0].localeCompare(b[0]);
        return d * dir || a[1] - b[1];
      })
      .map(function (x) { return x[2]; });
  }
  slice.call(document.querySelectorAll("table.sortable")).forEach(function (t) {
    var ths = slice.call(t.tHead.rows[0].cells);
    ths.forEach(function (th, i) {
      var b = th.querySelector("button");
      if (!b) return;
      b.addEventListener("click", function () {
        var num = th.getAttribute("data-type") === "num";
        var was = th.getAttribute("aria-sort");
        // First click: numbers largest first, text A to Z.
        var dir = was ? (was === "ascending" ? -1 : 1) : (num ? -1 : 1);
        ths.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
        var bodies = slice.call(t.tBodies);
        if (t.classList.contains("grouped")) {
          bodies.forEach(function (tb) {
            sorted(slice.call(tb.rows, 1), i, num, dir).forEach(function (r) { tb.appendChild(r); });
          });
          var heads = bodies.map(function (tb) { return tb.rows[0]; });
          sorted(heads, i, num, dir).forEach(function (r) { t.appendChild(r.parentNode); });
        } else if (bodies.length) {
          var tb = bodies[0];
          sorted(slice.call(tb.rows), i, num, dir).forEach(function (r) { tb.appendChild(r); });
        }
      });
    });
  });
  document.documentElement.dataset.ready = "1";
})();
