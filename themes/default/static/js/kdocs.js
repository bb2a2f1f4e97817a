// kdocs page script. Everything here is an enhancement of a page that reads fine without it, and
// needs no server (it works from file:// too) and no other host:
//  - the dark-mode toggle (js/theme.js, in <head>, already set data-theme before painting);
//  - Mermaid diagrams, drawn in the page's theme and redrawn when it changes, then a signal that
//    `kdocs pdf` (and anything else that waits) reads to know the page is complete:
//      window.kdocsDiagramsDone === true  and  <html data-diagrams="done">
//    raised whether the diagrams drew or failed, and at once on pages without any;
//  - copy buttons on tables (as tab-separated text, which pastes into a spreadsheet) and code;
//  - on the catalogs (topics, groups, schemas, the environments matrix): a filter box and sortable columns.
(function () {
  "use strict";
  var root = document.documentElement;
  var print = root.classList.contains("print-view");
  var storageKey = "kdocs-theme"; // also read by js/theme.js

  function theme() {
    return root.getAttribute("data-theme") === "dark" ? "dark" : "light";
  }

  // --- Diagrams -------------------------------------------------------------------------------

  var diagrams = Array.prototype.slice.call(document.querySelectorAll("pre.mermaid"));
  // Mermaid replaces each element's text with an SVG; the source is kept to draw it again.
  var sources = diagrams.map(function (el) { return el.textContent; });
  var drawing = Promise.resolve();

  function signalDone() {
    window.kdocsDiagramsDone = true;
    root.setAttribute("data-diagrams", "done");
  }

  function draw() {
    if (diagrams.length === 0 || typeof window.mermaid === "undefined") {
      return Promise.resolve();
    }
    var dark = !print && theme() === "dark"; // paper is white: the print view is always light
    diagrams.forEach(function (el, i) {
      el.removeAttribute("data-processed");
      el.textContent = sources[i];
      // A page printed from the browser while dark keeps its dark drawing; the print style
      // inverts drawings marked dark, since a redraw cannot finish before the print starts.
      el.setAttribute("data-drawn", dark ? "dark" : "light");
    });
    try {
      window.mermaid.initialize({
        startOnLoad: false,
        securityLevel: "strict",
        theme: dark ? "dark" : "default",
        flowchart: { htmlLabels: true }
      });
      return window.mermaid.run({ nodes: diagrams }).catch(function (err) {
        console.error("kdocs: a diagram could not be drawn:", err);
      });
    } catch (err) {
      console.error("kdocs: diagrams could not be drawn:", err);
      return Promise.resolve();
    }
  }

  // Draws run one after another: a toggle during a draw waits for it.
  function redraw() {
    drawing = drawing.then(draw);
    return drawing;
  }

  // --- Theme ----------------------------------------------------------------------------------

  function setTheme(t, remember) {
    root.setAttribute("data-theme", t);
    if (remember) {
      try { window.localStorage.setItem(storageKey, t); } catch (e) { /* private mode: not kept */ }
    }
    var button = document.querySelector(".theme-toggle");
    if (button) button.setAttribute("aria-pressed", t === "dark" ? "true" : "false");
    redraw();
  }

  function storedTheme() {
    try { return window.localStorage.getItem(storageKey); } catch (e) { return null; }
  }

  var toggle = document.querySelector(".theme-toggle");
  var header = document.querySelector(".site-header");
  if (!toggle && header && !print) {
    // The default layout writes no button: it works only with this script (see page.html).
    toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "theme-toggle";
    toggle.textContent = "Dark mode";
    header.appendChild(toggle);
  }
  if (toggle && !print) {
    toggle.hidden = false;
    toggle.setAttribute("aria-pressed", theme() === "dark" ? "true" : "false");
    toggle.addEventListener("click", function () {
      setTheme(theme() === "dark" ? "light" : "dark", true);
    });
  }
  // Until the reader chooses, the page follows the system as it changes.
  if (!print && window.matchMedia) {
    var query = window.matchMedia("(prefers-color-scheme: dark)");
    var follow = function (e) {
      var s = storedTheme();
      if (s !== "dark" && s !== "light") setTheme(e.matches ? "dark" : "light", false);
    };
    if (query.addEventListener) query.addEventListener("change", follow);
  }

  // --- Copy buttons ---------------------------------------------------------------------------

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // Older browsers and plain-http hosts: the selection and execCommand.
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.left = "-10000px";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      if (ok) resolve(); else reject(new Error("copy refused"));
    });
  }

  function cellText(cell) {
    return cell.textContent.replace(/\s+/g, " ").trim();
  }

  // tableText is the table's visible rows (a filter hides some) as tab-separated lines.
  function tableText(table) {
    return Array.prototype.filter.call(table.rows, function (row) { return !row.hidden; })
      .map(function (row) { return Array.prototype.map.call(row.cells, cellText).join("\t"); })
      .join("\n") + "\n";
  }

  // toolbar returns the bar above el that holds its controls, making it on first use.
  function toolbar(el) {
    var prev = el.previousElementSibling;
    if (prev && prev.classList.contains("content-tools")) return prev;
    var bar = document.createElement("div");
    bar.className = "content-tools";
    el.parentNode.insertBefore(bar, el);
    return bar;
  }

  function addCopyButton(el, what, text) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    button.textContent = "Copy";
    button.setAttribute("aria-label", "Copy " + what);
    var status = document.createElement("span");
    status.className = "copy-status";
    status.setAttribute("role", "status");
    button.addEventListener("click", function () {
      copyText(text()).then(function () { status.textContent = "Copied"; }, function () { status.textContent = "Copy failed"; });
      window.setTimeout(function () { status.textContent = ""; }, 2000);
    });
    var bar = toolbar(el);
    bar.appendChild(button);
    bar.appendChild(status);
  }

  if (!print) {
    document.querySelectorAll(".content table").forEach(function (table) {
      var label = table.getAttribute("aria-label");
      addCopyButton(table, "table" + (label ? " " + label : "") + " as text", function () { return tableText(table); });
    });
    document.querySelectorAll(".content pre:not(.mermaid)").forEach(function (pre) {
      addCopyButton(pre, "code", function () { return pre.textContent; });
    });
  }

  // --- Catalogs: filter and sort --------------------------------------------------------------

  var catalog = document.querySelector('.content[data-kind="topics"], .content[data-kind="groups"], .content[data-kind="subjects"], .content[data-kind="environments"]');
  var catalogTable = catalog && catalog.querySelector("table");
  if (catalogTable && !print && catalogTable.tBodies.length > 0) {
    enhanceCatalog(catalogTable, catalog.getAttribute("data-kind"));
  }

  function enhanceCatalog(table, kind) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var noun = { topics: "topics", groups: "consumer groups", subjects: "subjects", environments: "logical topics" }[kind];

    var bar = toolbar(table);
    var input = document.createElement("input");
    input.type = "search";
    input.className = "table-filter";
    input.placeholder = "Filter " + noun;
    input.setAttribute("aria-label", "Filter " + noun);
    var count = document.createElement("span");
    count.className = "table-count";
    count.setAttribute("role", "status");
    bar.insertBefore(count, bar.firstChild);
    bar.insertBefore(input, bar.firstChild);

    function filter() {
      var terms = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row) {
        var text = row.textContent.toLowerCase();
        var match = terms.every(function (t) { return text.indexOf(t) >= 0; });
        row.hidden = !match;
        if (match) shown++;
      });
      count.textContent = terms.length ? shown + " of " + rows.length + " " + noun : "";
    }
    input.addEventListener("input", filter);

    // Sorting: a button in each header cell; aria-sort says the order to assistive technology.
    var headers = Array.prototype.slice.call(table.tHead ? table.tHead.rows[0].cells : []);
    headers.forEach(function (th, col) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () {
        var order = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
        headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", order);
        sortRows(col, order === "ascending" ? 1 : -1);
      });
    });

    function sortRows(col, dir) {
      var values = rows.map(function (row) { return row.cells[col] ? cellText(row.cells[col]) : ""; });
      // A column is numeric when every non-empty cell is a number ("1,234" included).
      var numeric = values.every(function (v) { return v === "" || /^-?[\d,]+(\.\d+)?$/.test(v); });
      var keyed = rows.map(function (row, i) {
        return { row: row, key: numeric ? (values[i] === "" ? -Infinity : parseFloat(values[i].replace(/,/g, ""))) : values[i], i: i };
      });
      keyed.sort(function (a, b) {
        var c = numeric ? a.key - b.key : a.key.localeCompare(b.key, undefined, { numeric: true, sensitivity: "base" });
        return c !== 0 ? c * dir : a.i - b.i; // stable: ties keep the page's order
      });
      keyed.forEach(function (k) { body.appendChild(k.row); });
    }
  }

  // --- Scrollable tables ------------------------------------------------------------------------

  // A table wider than the page scrolls sideways: it takes the focus, so that the keyboard can
  // scroll it too, and its caption or label names it.
  function focusableScrollers() {
    document.querySelectorAll(".content table").forEach(function (t) {
      if (t.scrollWidth > t.clientWidth + 1) { t.tabIndex = 0; } else if (t.getAttribute("tabindex") === "0") { t.removeAttribute("tabindex"); }
    });
  }
  focusableScrollers();
  window.addEventListener("resize", focusableScrollers);

  // --- Start ----------------------------------------------------------------------------------

  redraw().then(signalDone);
})();
