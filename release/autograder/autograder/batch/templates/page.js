// mnist-hw batch pages: sorting, filtering and the language switch. No library, no network.
// A sorted view can be shared: index.html#sort=total-desc (a column's data-key, -asc or -desc).
(function () {
  "use strict";
  function cellValue(row, index) {
    var cell = row.cells[index];
    var v = cell.getAttribute("data-v");
    if (v !== null && v !== "" && !isNaN(Number(v))) return Number(v);
    return (v !== null ? v : cell.textContent).toLowerCase();
  }
  function sortTable(table, key, direction) {
    var headers = table.tHead.rows[0].cells, index = -1;
    for (var i = 0; i < headers.length; i++) {
      headers[i].removeAttribute("aria-sort");
      if (headers[i].getAttribute("data-key") === key) index = i;
    }
    if (index < 0) return false;
    headers[index].setAttribute("aria-sort", direction === "desc" ? "descending" : "ascending");
    var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = cellValue(a, index), y = cellValue(b, index);
      var order = x < y ? -1 : x > y ? 1 : 0;
      return direction === "desc" ? -order : order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    return true;
  }
  function readHash() {
    var out = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (part) {
      var kv = part.split("=");
      if (kv.length === 2) out[decodeURIComponent(kv[0])] = decodeURIComponent(kv[1]);
    });
    return out;
  }
  function applyFilter(table, text) {
    var query = text.toLowerCase(), shown = 0;
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      var hit = row.textContent.toLowerCase().indexOf(query) >= 0;
      row.hidden = !hit;
      if (hit) shown++;
    });
    var counter = document.getElementById("shown");
    if (counter) counter.textContent = String(shown);
  }
  function setLang(lang) {
    document.documentElement.setAttribute("data-lang", lang);
    try { localStorage.setItem("mnist-hw-lang", lang); } catch (e) { /* file:// may refuse storage */ }
    Array.prototype.forEach.call(document.querySelectorAll(".lang button"), function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-lang") === lang));
    });
  }
  // The derivation view (OUT/derivation/index.html): what is ticked becomes the confirmation file.
  // A group's points box left empty takes the suggestion; a member's own box overrides the group's.
  // An entry that is no number from 0 to the question's points is marked invalid and left out of
  // the file: the group's (all its members), or the member's alone (never given the group's then).
  // A comma decimal ("1,5") is a decimal point.
  function buildConfirmation() {
    var scores = [], invalid = [];
    Array.prototype.forEach.call(document.querySelectorAll("tr.group"), function (row) {
      var box = row.querySelector("input.confirm"), input = row.querySelector("input.points.group");
      var outOf = Number(row.getAttribute("data-out-of")), question = Number(row.getAttribute("data-question"));
      var members = JSON.parse(row.getAttribute("data-members"));
      var details = row.nextElementSibling;
      function points(field, fallback) {
        var text = field.value.trim();
        if (field.validity && field.validity.badInput) return null;  // what was typed, a box could not hold
        if (text === "") return fallback;
        if (!/^(\d+([.,]\d*)?|[.,]\d+)$/.test(text)) return null;
        var value = Number(text.replace(",", "."));
        return isNaN(value) || value < 0 || value > outOf ? null : value;
      }
      var groupPoints = points(input, Number(row.getAttribute("data-suggested")));
      input.classList.toggle("invalid", groupPoints === null);
      var own = {}, bad = {};
      if (details) {
        Array.prototype.forEach.call(details.querySelectorAll("input.points.member"), function (m) {
          var name = JSON.parse(m.getAttribute("data-member")), value = points(m, undefined);
          m.classList.toggle("invalid", value === null);
          if (value === null) { bad[name] = true; invalid.push(name + ", question " + question); }
          else if (value !== undefined) own[name] = value;
        });
      }
      if (!box.checked) return;
      if (groupPoints === null) { invalid.push(row.getAttribute("data-group")); return; }
      members.forEach(function (name) {
        if (Object.prototype.hasOwnProperty.call(bad, name)) return;  // its own entry is invalid: left out
        scores.push({submission: name, question: question,
                     points: Object.prototype.hasOwnProperty.call(own, name) ? own[name] : groupPoints});
      });
    });
    var text = JSON.stringify({kind: "mnist-hw derivation confirmation", version: 1, scores: scores}, null, 1);
    document.getElementById("confirmation").textContent = text;
    document.getElementById("confirmed-count").textContent = String(scores.length);
    document.getElementById("invalid").textContent = invalid.length ?
      "not a number from 0 to the question's points (left out): " + invalid.join("; ") : "";
    document.getElementById("save").setAttribute("href", "data:application/json;charset=utf-8," + encodeURIComponent(text));
  }
  document.addEventListener("DOMContentLoaded", function () {
    if (!document.getElementById("confirmation")) return;
    Array.prototype.forEach.call(document.querySelectorAll("table.groups input"), function (input) {
      input.addEventListener("input", buildConfirmation);
      input.addEventListener("change", buildConfirmation);
    });
    buildConfirmation();
  });
  document.addEventListener("DOMContentLoaded", function () {
    var hash = readHash();
    Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
        th.addEventListener("click", function () {
          var key = th.getAttribute("data-key");
          var direction = th.getAttribute("aria-sort") === "descending" ? "asc" : "desc";
          if (sortTable(table, key, direction) && table.id === "submissions") {
            history.replaceState(null, "", "#sort=" + encodeURIComponent(key) + "-" + direction);
          }
        });
      });
    });
    var main = document.getElementById("submissions");
    if (main && hash.sort) {
      var m = /^(.*)-(asc|desc)$/.exec(hash.sort);
      if (m) sortTable(main, m[1], m[2]); else sortTable(main, hash.sort, "asc");
    }
    var filter = document.getElementById("filter");
    if (main && filter) {
      if (hash.filter) filter.value = hash.filter;
      filter.addEventListener("input", function () { applyFilter(main, filter.value); });
      applyFilter(main, filter.value);
    }
    var lang = hash.lang;
    if (!lang) { try { lang = localStorage.getItem("mnist-hw-lang"); } catch (e) { lang = null; } }
    setLang(lang === "en" ? "en" : "ru");
    Array.prototype.forEach.call(document.querySelectorAll(".lang button"), function (b) {
      b.addEventListener("click", function () { setLang(b.getAttribute("data-lang")); });
    });
    // each image the browser could decode is marked, so a test can read it from the DOM
    window.addEventListener("load", function () {
      Array.prototype.forEach.call(document.images, function (img) {
        if (img.complete && img.naturalWidth > 0) img.setAttribute("data-loaded", "1");
      });
      document.body.setAttribute("data-loaded", "1");
    });
    // the page's own scripts ran: tests read this marker from the DOM the browser built
    document.body.setAttribute("data-ready", "1");
  });
})();
