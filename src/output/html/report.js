// mrs-triage report: sortable and filterable tables, and mailbox rows that
// open their next steps. The page is complete without this script; it only
// adds controls. It reads and moves the page's own nodes and sets text with
// textContent, never HTML, so report text stays as escaped as it arrived.
(function () {
  "use strict";
  var each = function (list, f) { Array.prototype.forEach.call(list, f); };

  // A cell's number, when it starts with one (`1,204`, `12 +AcceptLargeDataLoss`).
  function number(text) {
    var m = /^-?\d[\d,]*(\.\d+)?/.exec(text.trim());
    return m ? parseFloat(m[0].replace(/,/g, "")) : NaN;
  }

  // Numbers as numbers and before text; text in natural order.
  function compare(a, b) {
    var x = number(a), y = number(b);
    if (!isNaN(x) && !isNaN(y)) return x - y;
    if (!isNaN(x)) return -1;
    if (!isNaN(y)) return 1;
    return a.localeCompare(b, undefined, { numeric: true, sensitivity: "base" });
  }

  function sortable(table) {
    var body = table.tBodies[0], heads = table.tHead.rows[0].cells;
    each(heads, function (th, column) {
      var button = document.createElement("button");
      button.type = "button";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        each(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (r, s) {
          var d = compare(r.cells[column].textContent, s.cells[column].textContent);
          return ascending ? d : -d;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  }

  function filterable(table, name) {
    var box = document.createElement("div"), input = document.createElement("input");
    var count = document.createElement("span");
    box.className = "filter";
    input.type = "search";
    input.placeholder = "Filter " + name + "\u2026";
    input.setAttribute("aria-label", "Filter the table " + name);
    count.className = "muted";
    count.setAttribute("aria-live", "polite");
    box.appendChild(input);
    box.appendChild(count);
    var place = table.parentNode.classList.contains("scroll") ? table.parentNode : table;
    place.parentNode.insertBefore(box, place);
    input.addEventListener("input", function () {
      var q = input.value.trim().toLowerCase(), rows = table.tBodies[0].rows, shown = 0;
      each(rows, function (r) {
        r.hidden = q !== "" && r.textContent.toLowerCase().indexOf(q) < 0;
        if (!r.hidden) shown += 1;
      });
      count.textContent = q ? shown + " of " + rows.length + " rows" : "";
    });
  }

  // A link to a mailbox's steps opens them (they may be closed).
  function open(fragment) {
    var id;
    try { id = decodeURIComponent(fragment); } catch (e) { return; }
    var target = id && document.getElementById(id);
    if (target && target.tagName === "DETAILS") target.open = true;
  }

  each(document.querySelectorAll("section table"), function (table) {
    if (!table.tHead || !table.tBodies.length) return;
    var heading = table.closest("section").querySelector("h2");
    sortable(table);
    filterable(table, heading ? heading.textContent : "");
  });
  // A mailbox row, clicked anywhere, goes to its next steps.
  each(document.querySelectorAll("#mailboxes tbody tr"), function (row) {
    var link = row.querySelector("a[href^='#mbx-']");
    if (!link) return;
    row.classList.add("jump");
    row.addEventListener("click", function (e) {
      if (!e.target.closest("a")) link.click();
    });
  });
  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("a[href^='#']");
    if (a) open(a.getAttribute("href").slice(1));
  });
  window.addEventListener("hashchange", function () { open(location.hash.slice(1)); });
  open(location.hash.slice(1));
})();
