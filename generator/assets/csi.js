/* Sortable and filterable tables, without any outside script.
   Tables longer than a screenful get a filter box and clickable headings. */
(function () {
  "use strict";
  var MIN_ROWS = 10;

  function cellValue(row, index) {
    var cell = row.cells[index];
    var text = cell ? cell.textContent.trim() : "";
    var number = parseFloat(text.replace(/[%,\s]/g, "").replace(/^[▲▼+]+/, ""));
    return { text: text, number: /^[▲▼+\-−]?\s*[\d.]/.test(text) && !isNaN(number) ? number : null };
  }

  function sortBy(table, index, header) {
    var body = table.tBodies[0];
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = cellValue(a, index), y = cellValue(b, index);
      var order = (x.number !== null && y.number !== null) ? x.number - y.number
        : x.text.localeCompare(y.text, document.documentElement.lang || undefined, { numeric: true });
      return ascending ? order : -order;
    });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) { cell.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    rows.forEach(function (row) { body.appendChild(row); });
  }

  function addFilter(table) {
    var input = document.createElement("input");
    input.type = "search";
    input.className = "csi-filter";
    input.placeholder = document.documentElement.lang === "zh" ? "筛选" : "Filter rows";
    input.setAttribute("aria-label", input.placeholder);
    input.addEventListener("input", function () {
      var needle = input.value.toLowerCase();
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        row.style.display = row.textContent.toLowerCase().indexOf(needle) === -1 ? "none" : "";
      });
    });
    var holder = table.closest(".md-typeset__scrollwrap") || table;
    holder.parentNode.insertBefore(input, holder);
  }

  function enhance(table) {
    if (table.dataset.csiSortable || !table.tHead || !table.tBodies[0]) { return; }
    if (table.tBodies[0].rows.length < MIN_ROWS) { return; }
    // A data attribute, not a class: Material styles only `table:not([class])`,
    // so a class would drop its borders, padding and font size.
    table.dataset.csiSortable = "1";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header, index) {
      header.tabIndex = 0;
      header.addEventListener("click", function () { sortBy(table, index, header); });
      header.addEventListener("keydown", function (event) {
        if (event.key === "Enter") { sortBy(table, index, header); }
      });
    });
    addFilter(table);
  }

  // Short values (numbers, "▼ -4 pp ●", a two-character class) stay on one
  // line; only long text wraps. CJK characters count double, as they are wide.
  var SHORT = 10;

  function displayWidth(text) {
    var width = 0;
    for (var i = 0; i < text.length; i++) { width += text.charCodeAt(i) >= 0x2e80 ? 2 : 1; }
    return width;
  }

  var WIDE = 7;

  function keepShortCellsWhole(table) {
    // Wide tables get tighter cells (csi.css), so they fit the page and the printout.
    if (table.rows[0] && table.rows[0].cells.length >= WIDE) { table.dataset.csiWide = "1"; }
    Array.prototype.forEach.call(table.querySelectorAll("th, td"), function (cell) {
      if (displayWidth(cell.textContent.trim()) <= SHORT) { cell.classList.add("csi-nowrap"); }
    });
  }

  function run() {
    Array.prototype.forEach.call(document.querySelectorAll("article table"), function (table) {
      keepShortCellsWhole(table);
      enhance(table);
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", run); } else { run(); }
}());
