/* Casefile "Check answers" (teacher edition only): score students' answer files in the browser,
   offline, with the same rules, messages and CSV as `casefile grade` (generator/grade/), and the
   same JS scorer as the lesson pages' instant checks (each kind's kind.js, in casefile.js).
   The key comes from <script type="application/json" id="cf-grader-key"> on the page. */
(function () {
  "use strict";

  var FORMAT = "casefile-answers";
  var REDOWNLOAD = "ask the student to download it again from the lesson page";
  var cf = window.casefile;  // casefile.js, loaded before this script on every page
  var t = cf.t, tn = cf.tn;   // the interface's words in the pack's language (casefile.js carries this file's too)

  // ------------------------------------------------------------ checksum (contract: ANSWERS.md)
  // The same canonical JSON and pure-JS SHA-256 as the student pages.
  function canonical(v) { return cf.canon(v); }
  function sha256Pure(bytes) { return cf.sha256(bytes); }
  function checksumOf(data) {
    var body = {};
    Object.keys(data).forEach(function (k) { if (k !== "checksum") body[k] = data[k]; });
    return Promise.resolve(sha256Pure(new TextEncoder().encode(canonical(body))));
  }

  // ------------------------------------------------------------ the same small rules as grade/
  // Scoring, answer shapes, white space and names are casefile.js's (each kind's kind.js).
  var round2 = cf.round2, norm = cf.norm, nameKey = cf.nameKey;
  function fmt(x) {
    var s = x.toFixed(2);
    return s.indexOf(".") >= 0 ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
  }
  function csvCell(s) { return /^[=+\-@]/.test(s) ? "'" + s : s; }
  function has(o, k) { return Object.prototype.hasOwnProperty.call(o, k); }
  function isObj(v) { return v !== null && typeof v === "object" && !Array.isArray(v); }
  function score(ex, a) { return cf.score(ex, a).points; }
  function shapeProblems(ex, a) { return cf.shape(ex, a); }

  // ------------------------------------------------------------ one file -> record or problems
  function readFile(key, name, text) {
    var data;
    try { data = JSON.parse(text.replace(/^\ufeff/, "")); } catch (e) {
      return Promise.resolve([name + ": not valid JSON (" + e.message + "); the file is damaged: " + REDOWNLOAD]);
    }
    if (!isObj(data) || data.format !== FORMAT) {
      return Promise.resolve([name + ': not a Casefile answer file (no "format": "' + FORMAT + '"); pick the .casefile.json file the student downloaded']);
    }
    if (data.format_version !== key.format_version) {
      return Promise.resolve([name + ": answer file format version " + JSON.stringify(data.format_version === undefined ? null : data.format_version) +
        " is not supported (this Casefile reads version " + key.format_version + "); update Casefile or " + REDOWNLOAD]);
    }
    var missing = ["pack", "pack_version", "lesson", "lesson_version", "student", "saved_at", "answers", "checksum"].filter(function (k) { return !has(data, k); });
    if (missing.length) return Promise.resolve([name + ": missing " + missing.join(", ") + "; the file is incomplete: " + REDOWNLOAD]);
    return checksumOf(data).then(function (sum) {
      var problems = [];
      if (typeof data.checksum !== "string" || data.checksum.toLowerCase() !== sum) {
        problems.push(name + ": checksum does not match: the file was edited or damaged after it was saved; " + REDOWNLOAD);
      }
      if (data.pack !== key.pack) {
        problems.push(name + ": answers for pack '" + data.pack + "', not this pack '" + key.pack + "'; grade it with --lessons pointing at the pack it comes from");
        return problems;
      }
      var lesson = key.lessons.filter(function (l) { return l.id === data.lesson; })[0];
      if (!lesson) {
        problems.push(name + ": lesson '" + data.lesson + "' is not in this pack (lessons: " + key.lessons.map(function (l) { return l.id; }).join(", ") + "); grade it against the pack it comes from");
        return problems;
      }
      if (data.lesson_version !== lesson.version) {
        var was = String(data.pack_version) !== key.pack_version ? "pack version " + data.pack_version + ", " : "";
        problems.push(name + ": saved from an older version of lesson '" + lesson.id + "' (" + was + "lesson version " + data.lesson_version + ", now " + lesson.version +
          "); the exercises have changed since: ask the student to open the lesson again, check their answers and download a new file");
        return problems;
      }
      if (typeof data.student !== "string" || !norm(data.student)) problems.push(name + ": no student name; ask the student to type their name and download again");
      if (typeof data.saved_at !== "string") problems.push(name + ': "saved_at" is not a date; ' + REDOWNLOAD);
      if (!isObj(data.answers)) { problems.push(name + ': "answers" is not an object; ' + REDOWNLOAD); return problems; }
      Object.keys(data.answers).forEach(function (id) {
        var ex = lesson.exercises.filter(function (e) { return e.id === id; })[0];
        if (!ex) { problems.push(name + ": exercise '" + id + "' is not in lesson '" + lesson.id + "'; the file does not match this pack: " + REDOWNLOAD); return; }
        shapeProblems(ex, data.answers[id]).forEach(function (w) { problems.push(name + ": exercise '" + id + "': " + w + "; " + REDOWNLOAD); });
      });
      if (problems.length) return problems;
      return { name: name, student: norm(data.student), lesson: lesson.id, saved_at: data.saved_at, answers: data.answers };
    });
  }

  // ------------------------------------------------------------ a class -> gradebook rows
  function gradebook(key, records) {
    var students = {}, notes = [];
    records.forEach(function (r) {
      var k = nameKey(r.student);
      var st = students[k] || (students[k] = { name: r.student, files: {} });
      var old = st.files[r.lesson];
      if (old) {
        var keep = r.saved_at >= old.saved_at ? r : old, drop = keep === r ? old : r;
        notes.push(st.name + ": two files for lesson '" + r.lesson + "'; used " + keep.name + " (saved " + keep.saved_at + "), not " + drop.name);
        r = keep;
      }
      st.files[r.lesson] = r;
    });
    var order = Object.keys(students).map(function (k) { return students[k]; }).sort(function (a, b) {
      var ka = nameKey(a.name), kb = nameKey(b.name);
      return ka < kb ? -1 : ka > kb ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
    });
    var rows = order.map(function (st) {
      var row = [csvCell(st.name)], auto = 0, autoMax = 0, open = 0, openMax = 0;
      key.lessons.forEach(function (lesson) {
        var f = st.files[lesson.id];
        lesson.exercises.forEach(function (ex) {
          if (!f) { row.push(""); return; }
          var answered = has(f.answers, ex.id);
          if (cf.auto(ex.type)) {
            var s = answered ? score(ex, f.answers[ex.id]) : 0;
            auto += s; autoMax += ex.points;
            row.push(fmt(s));
          } else if (answered) {
            open += 1; openMax += ex.points;
            row.push(t("to score"));
          } else {
            row.push(fmt(0));
          }
        });
      });
      return row.concat([fmt(round2(auto)), String(autoMax), String(open), String(openMax)]);
    });
    return { rows: rows, notes: notes, files: order.reduce(function (n, st) { return n + Object.keys(st.files).length; }, 0) };
  }

  function toCsv(header, rows) {
    function cell(s) { return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s; }
    return "\ufeff" + [header].concat(rows).map(function (r) { return r.map(cell).join(",") + "\r\n"; }).join("");
  }

  // ------------------------------------------------------------ the page
  function el(tag, text, attrs) {
    var e = document.createElement(tag);
    if (text != null) e.textContent = text;
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }

  function init() {
    var root = document.getElementById("cf-grader"), keyEl = document.getElementById("cf-grader-key");
    if (!root || !keyEl || root.getAttribute("data-ready")) return;
    root.setAttribute("data-ready", "1");
    var key = JSON.parse(keyEl.textContent);
    var input = document.getElementById("cf-grader-files"), button = document.getElementById("cf-grader-csv");
    var problemsEl = document.getElementById("cf-grader-problems"), summaryEl = document.getElementById("cf-grader-summary");
    var tableEl = document.getElementById("cf-grader-table"), csv = "";

    input.addEventListener("change", function () {
      var files = Array.prototype.slice.call(input.files || []);
      summaryEl.textContent = tn("Reading %(num)s file…", "Reading %(num)s files…", files.length);
      Promise.all(files.map(function (f) {
        return f.text().then(function (t) { return readFile(key, f.name, t); },
          function () { return [f.name + ": cannot be read; check the file"]; });
      })).then(function (results) {
        var problems = [], records = [];
        results.forEach(function (r) { if (Array.isArray(r)) problems = problems.concat(r); else records.push(r); });
        problemsEl.textContent = "";
        if (problems.length) {
          problemsEl.appendChild(el("p", tn("Not graded (%(num)s problem):", "Not graded (%(num)s problems):", problems.length), { "class": "cf-grader-problems-title" }));
          var ul = el("ul");
          problems.forEach(function (p) { ul.appendChild(el("li", p)); });
          problemsEl.appendChild(ul);
        }
        tableEl.textContent = "";
        if (!records.length) {
          csv = ""; button.disabled = true;
          summaryEl.textContent = t("Nothing could be graded.");
          return;
        }
        var g = gradebook(key, records);
        csv = toCsv(key.header, g.rows);
        button.disabled = false;
        var open = g.rows.reduce(function (n, r) { return n + Number(r[r.length - 2]); }, 0);
        summaryEl.textContent = tn("Graded %(num)s file", "Graded %(num)s files", g.files) + " " +
          tn("for %(num)s student.", "for %(num)s students.", g.rows.length) +
          (open ? " " + tn("%(num)s open answer to score.", "%(num)s open answers to score.", open) : "") +
          (g.notes.length ? " " + t("Note: %(notes)s", { notes: g.notes.join("; ") }) : "");
        // Material lets a wide table scroll sideways: it takes focus so the keyboard can scroll it.
        var wrap = el("div", null, { "class": "cf-grader-scroll" });
        var table = el("table", null, { tabindex: "0", "aria-label": t("Scores per student and exercise (as in gradebook.csv)") });
        var thead = el("thead"), tr = el("tr"), tbody = el("tbody");
        key.header.forEach(function (h) { tr.appendChild(el("th", h, { scope: "col", "class": "cf-nowrap" })); });
        thead.appendChild(tr);
        g.rows.forEach(function (r) {
          var row = el("tr");
          r.forEach(function (c, i) { row.appendChild(el(i === 0 ? "th" : "td", c, i === 0 ? { scope: "row" } : {})); });
          tbody.appendChild(row);
        });
        table.appendChild(thead); table.appendChild(tbody); wrap.appendChild(table); tableEl.appendChild(wrap);
      });
    });

    button.addEventListener("click", function () {
      if (!csv) return;
      var url = URL.createObjectURL(new Blob([csv], { type: "text/csv;charset=utf-8" }));
      var a = el("a", null, { href: url, download: "gradebook.csv" });
      document.body.appendChild(a); a.click(); a.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
    });
  }

  window.casefileCheck = { canonical: canonical, sha256Pure: sha256Pure, score: score, round2: round2, fmt: fmt };
  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(init);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
