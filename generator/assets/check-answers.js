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

  // ------------------------------------------------------------ marks (ANSWERS.md, "Marks")
  function markId(student, lesson, exercise) { return nameKey(student) + "\u0000" + lesson + "\u0000" + exercise; }
  function share(pts, n, of) { return n === of ? pts : round2(pts * n / of); }
  // An open answer's points from its mark: the same rule as grade/marks.py `mark_points`.
  function markPoints(ex, m) {
    if (!m) return null;
    var r = ex.rubric;
    if (r && r.max !== null) {
      if (!Array.isArray(m.levels) || m.levels.length !== r.criteria.length) return null;
      var got = 0;
      for (var i = 0; i < m.levels.length; i++) {
        if (m.levels[i] == null || !has(r.points, m.levels[i])) return null;
        got += r.points[m.levels[i]];
      }
      return share(ex.points, got, r.max);
    }
    return typeof m.points === "number" ? m.points : null;
  }
  // The entries of a marks file that fit this pack; the rest as problems (the page keeps only these).
  function checkMarks(key, name, data) {
    var out = [], problems = [];
    if (data.format_version !== key.marks_version || data.pack !== key.pack || !Array.isArray(data.marks)) {
      return { marks: [], problems: [t("%(file)s: a marks file for another pack or Casefile version; pick the file this page downloaded", { file: name })] };
    }
    data.marks.forEach(function (m, i) {
      var lesson = isObj(m) && key.lessons.filter(function (l) { return l.id === m.lesson; })[0];
      var ex = lesson && lesson.exercises.filter(function (e) { return e.id === m.exercise; })[0];
      if (!ex || !ex.rubric || typeof m.student !== "string") { problems.push(t("%(file)s: mark %(n)s is not for an open answer of this pack; left out", { file: name, n: i + 1 })); return; }
      if (m.lesson_version !== lesson.version) { problems.push(t("%(file)s: mark %(n)s (%(student)s, %(answer)s) is for an older version of the lesson; left out, mark the answer again",
        { file: name, n: i + 1, student: m.student, answer: m.lesson + "/" + m.exercise })); return; }
      var levels = Array.isArray(m.levels) ? m.levels.slice(0, ex.rubric.criteria.length) : [];
      while (levels.length < ex.rubric.criteria.length) levels.push(null);
      out.push({ student: nameKey(m.student), lesson: m.lesson, lesson_version: m.lesson_version, exercise: m.exercise,
        levels: levels.map(function (l) { return ex.rubric.levels.indexOf(l) >= 0 ? l : null; }),
        points: typeof m.points === "number" && m.points >= 0 && m.points <= ex.points ? m.points : null,
        comment: typeof m.comment === "string" ? m.comment : "", marked_at: typeof m.marked_at === "string" ? m.marked_at : "" });
    });
    return { marks: out, problems: problems };
  }
  function mergeMarks(into, list) {
    list.forEach(function (m) {
      var id = markId(m.student, m.lesson, m.exercise), have = into[id];
      if (!have || m.marked_at >= have.marked_at) into[id] = m;
    });
  }
  function marksFile(key, marks) {
    var list = Object.keys(marks).sort().map(function (id) { return marks[id]; });
    return JSON.stringify({ format: key.marks_format, format_version: key.marks_version, pack: key.pack, marks: list }, null, 1) + "\n";
  }

  // ------------------------------------------------------------ a class -> gradebook rows
  function students(records, notes) {
    var by = {};
    records.forEach(function (r) {
      var k = nameKey(r.student);
      var st = by[k] || (by[k] = { name: r.student, files: {} });
      var old = st.files[r.lesson];
      if (old) {
        var keep = r.saved_at >= old.saved_at ? r : old, drop = keep === r ? old : r;
        notes.push(t("%(student)s: two files for lesson '%(lesson)s'; used %(kept)s (saved %(kept_at)s), not %(dropped)s (saved %(dropped_at)s): the newer one wins",
          { student: st.name, lesson: r.lesson, kept: keep.name, kept_at: keep.saved_at, dropped: drop.name, dropped_at: drop.saved_at }));
        r = keep;
      }
      st.files[r.lesson] = r;
    });
    // The name as typed in the newest file (the first file name on a tie), as grade/__init__.py.
    Object.keys(by).forEach(function (k) {
      var fs = Object.keys(by[k].files).map(function (l) { return by[k].files[l]; });
      fs.sort(function (a, b) { return a.name < b.name ? -1 : a.name > b.name ? 1 : 0; });
      by[k].name = fs.reduce(function (best, f) { return f.saved_at > best.saved_at ? f : best; }, fs[0]).student;
    });
    return Object.keys(by).map(function (k) { return by[k]; }).sort(function (a, b) {
      var ka = nameKey(a.name), kb = nameKey(b.name);
      return ka < kb ? -1 : ka > kb ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
    });
  }

  // Each student's results, as grade/score.py `result`: {lesson, ex, answered, answer, score (null: to mark), mark}.
  function results(key, st, marks) {
    var out = [];
    key.lessons.forEach(function (lesson) {
      var f = st.files[lesson.id];
      if (!f) return;
      lesson.exercises.forEach(function (ex) {
        var answered = has(f.answers, ex.id), auto = cf.auto(ex.type), r = { lesson: lesson, ex: ex, answered: answered, auto: auto, answer: f.answers[ex.id], mark: null };
        if (!answered) r.score = 0;
        else if (auto) r.score = score(ex, f.answers[ex.id]);
        else { r.mark = marks[markId(st.name, lesson.id, ex.id)] || null; r.score = markPoints(ex, r.mark); }
        out.push(r);
      });
    });
    return out;
  }

  // grade/by_skill.py skill_totals: each skill's score and max over the answers that have a score
  // (auto-graded, marked, or left blank); an exercise with two skills counts in both.
  function skillCells(key, res) {
    var got = {}, of = {};
    key.skills.forEach(function (s) { got[s] = 0; of[s] = 0; });
    res.forEach(function (r) {
      if (r.score === null) return;  // an open answer still to mark
      (r.ex.skills || []).forEach(function (s) {
        if (has(got, s)) { got[s] = round2(got[s] + r.score); of[s] += r.ex.points; }
      });
    });
    var out = [];
    key.skills.forEach(function (s) { out.push(fmt(got[s]), String(of[s])); });
    return out;
  }

  function gradebook(key, records, marks, bySkill) {
    var notes = [], order = students(records, notes);
    var handed = key.lessons.filter(function (l) { return order.some(function (st) { return has(st.files, l.id); }); });
    var header = [key.header[0]];  // "Student", in the pack's language (grade/gradebook.py)
    handed.forEach(function (l) { l.exercises.forEach(function (ex) { header.push(l.id + "/" + ex.id); }); });
    header = header.concat(key.totals);
    if (bySkill) header = header.concat(key.skill_header);
    var open = 0;
    var rows = order.map(function (st) {
      var res = results(key, st, marks), by = {};
      res.forEach(function (r) { by[r.lesson.id + "/" + r.ex.id] = r; });
      st.results = res;
      var row = [csvCell(st.name)];
      handed.forEach(function (l) {
        l.exercises.forEach(function (ex) {
          var r = by[l.id + "/" + ex.id];
          row.push(!r ? "" : r.score === null ? t("to score") : fmt(r.score));
        });
      });
      var tot = { auto: 0, autoMax: 0, marked: 0, markedMax: 0, toMark: 0, toMarkMax: 0, total: 0, max: 0 };
      res.forEach(function (r) {
        tot.max += r.ex.points;
        if (r.auto) { tot.auto += r.score; tot.autoMax += r.ex.points; }
        else if (r.answered && r.score !== null) { tot.marked += r.score; tot.markedMax += r.ex.points; }
        else if (r.answered) { tot.toMark += 1; tot.toMarkMax += r.ex.points; }
        if (r.score !== null) tot.total += r.score;
      });
      open += tot.toMark;
      st.total = round2(tot.total); st.max = tot.max;
      // The same order as grade/gradebook.py TOTALS.
      row = row.concat([fmt(round2(tot.auto)), String(tot.autoMax), fmt(round2(tot.marked)), String(tot.markedMax),
        String(tot.toMark), String(tot.toMarkMax), fmt(round2(tot.total)), String(tot.max)]);
      return bySkill ? row.concat(skillCells(key, res)) : row;
    });
    return { header: header, rows: rows, notes: notes, students: order, open: open,
      files: order.reduce(function (n, st) { return n + Object.keys(st.files).length; }, 0) };
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
  function nPoints(n) { return tn("%(num)s point", "%(num)s points", n); }
  function download(name, text, type) {
    var url = URL.createObjectURL(new Blob([text], { type: type }));
    var a = el("a", null, { href: url, download: name });
    document.body.appendChild(a); a.click(); a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  // A student's answer as text blocks, whatever the kind: strings, lists and objects of strings.
  // `words`: the kind's names for an answer's fields and the values of some (browser_key "words":
  // {fields: {key: name}, values: {key: {value: name}}}); `field`: the key `a` is the value of.
  function answerNodes(doc, a, words, field) {
    var fields = (words && words.fields) || {}, values = (words && words.values && field && words.values[field]) || {};
    if (typeof a === "string") return [doc.createTextNode(a ? (has(values, a) ? values[a] : a) : t("(empty)"))];
    if (Array.isArray(a)) {
      var ol = doc.createElement("ol");
      a.forEach(function (v) { var li = doc.createElement("li"); answerNodes(doc, v, words).forEach(function (n) { li.appendChild(n); }); ol.appendChild(li); });
      return [ol];
    }
    if (isObj(a)) {
      var keys = Object.keys(a);
      if (keys.length === 1 && typeof a[keys[0]] !== "object") return answerNodes(doc, String(a[keys[0]]), words, keys[0]);
      var ul = doc.createElement("ul");
      keys.forEach(function (k) {
        var li = doc.createElement("li"), b = doc.createElement("strong");
        b.textContent = (has(fields, k) ? fields[k] : k.replace(/_/g, " ")) + ": ";
        li.appendChild(b);
        answerNodes(doc, a[k], words, k).forEach(function (n) { li.appendChild(n); });
        ul.appendChild(li);
      });
      return [ul];
    }
    return [doc.createTextNode(a == null ? "" : String(a))];
  }

  // The student's feedback file, built with DOM APIs (student text only ever as text nodes); the
  // same CSS and Content-Security-Policy as `casefile grade`'s (no script at all).
  function feedbackHtml(key, st) {
    var doc = document.implementation.createHTMLDocument("");
    function add(parent, tag, text, cls) { var e = doc.createElement(tag); if (text != null) e.textContent = text; if (cls) e.className = cls; parent.appendChild(e); return e; }
    doc.documentElement.setAttribute("lang", key.language || "en");
    var head = doc.head;
    while (head.firstChild) head.removeChild(head.firstChild);
    var meta = doc.createElement("meta"); meta.setAttribute("charset", "utf-8"); head.appendChild(meta);
    var csp = doc.createElement("meta"); csp.setAttribute("http-equiv", "Content-Security-Policy"); csp.setAttribute("content", key.feedback.csp); head.appendChild(csp);
    var title = t("Feedback for %(name)s: %(title)s", { name: st.name, title: key.title });
    add(head, "title", title);
    add(head, "style", key.feedback.css);
    var body = doc.body;
    add(body, "h1", title);
    var open = st.results.filter(function (r) { return r.answered && r.score === null; });
    // the sentence's words around the score in bold, in the translation's order
    var p = add(body, "p"), parts = t("Your score so far: %(score)s.").split("%(score)s");
    p.appendChild(doc.createTextNode(parts[0]));
    add(p, "strong", tn("%(got)s of %(num)s point", "%(got)s of %(num)s points", st.max, { got: fmt(st.total) }));
    p.appendChild(doc.createTextNode(parts.slice(1).join("") + (open.length ? " " + tn("Your teacher has not marked %(num)s answer yet.", "Your teacher has not marked %(num)s answers yet.", open.length) : "")));
    key.lessons.forEach(function (lesson, li) {
      var res = st.results.filter(function (r) { return r.lesson === lesson; });
      if (!res.length) return;
      add(body, "h2", t("Lesson %(n)s: %(title)s", { n: li + 1, title: lesson.title }));
      res.forEach(function (r, i) {
        var sec = add(body, "section"), h = add(sec, "h3");
        add(h, "span", (r.score === null ? t("not marked yet") : fmt(r.score)) + " / " + r.ex.points, "pts");
        h.appendChild(doc.createTextNode((i + 1) + ". " + r.ex.label));
        add(sec, "p", r.ex.prompt);
        if (!r.answered) { add(sec, "p", t("You did not answer this one."), "note"); return; }
        if (r.auto) {
          add(sec, "p", r.score === r.ex.points ? t("Right.") : r.score ? t("Partly right.") : t("Not right."), r.score === r.ex.points ? "ok" : "no");
          if (r.ex.why) { var k = add(sec, "div", null, "key"); add(k, "strong", t("Why:") + " "); k.appendChild(doc.createTextNode(r.ex.why)); }
          return;
        }
        add(sec, "p").appendChild(doc.createElement("strong")).textContent = t("Your answer:");
        var bq = add(sec, "blockquote");
        answerNodes(doc, r.answer, r.ex.words).forEach(function (n) { bq.appendChild(n); });
        if (r.score === null) { add(sec, "p", t("Your teacher has not marked this answer yet."), "note"); return; }
        var rb = r.ex.rubric, table = add(sec, "table", null, "rubric");
        add(table, "caption", t("Rubric") + (rb.max !== null ? " (" + tn("up to %(num)s point", "up to %(num)s points", rb.max) + ")" : "") + t(": the level reached is marked ✔"));
        var tr = add(add(table, "thead"), "tr");
        add(tr, "th", t("Criterion"));
        rb.levels.forEach(function (lv) { add(tr, "th", lv + (rb.points ? " (" + nPoints(rb.points[lv]) + ")" : "")); });
        var tb = add(table, "tbody");
        rb.criteria.forEach(function (c, ci) {
          var row = add(tb, "tr");
          add(row, "th", c);
          rb.levels.forEach(function (lv) { var td = add(row, "td", r.mark.levels[ci] === lv ? "✔ " + t("Reached") : ""); if (r.mark.levels[ci] === lv) td.className = "reached"; });
        });
        if (r.mark.comment) {
          var cm = add(sec, "div", null, "comment");
          add(add(cm, "p"), "strong", t("Your teacher's comment:"));
          r.mark.comment.split("\n").forEach(function (line) { add(cm, "p", line); });
        }
        if (r.ex.model) { var mk = add(sec, "div", null, "key"); add(add(mk, "p"), "strong", t("A model answer:")); add(mk, "p", r.ex.model); }
        if (r.ex.why) { var wk = add(sec, "div", null, "key"); add(wk, "strong", t("Why:") + " "); wk.appendChild(doc.createTextNode(r.ex.why)); }
      });
    });
    return "<!doctype html>" + doc.documentElement.outerHTML + "\n";
  }

  function init() {
    var root = document.getElementById("cf-grader"), keyEl = document.getElementById("cf-grader-key");
    if (!root || !keyEl || root.getAttribute("data-ready")) return;
    root.setAttribute("data-ready", "1");
    var key = JSON.parse(keyEl.textContent);
    var input = document.getElementById("cf-grader-files"), button = document.getElementById("cf-grader-csv");
    var problemsEl = document.getElementById("cf-grader-problems"), summaryEl = document.getElementById("cf-grader-summary");
    var tableEl = document.getElementById("cf-grader-table"), markingEl = document.getElementById("cf-grader-marking");
    var marksSave = document.getElementById("cf-grader-marks-save"), marksLoad = document.getElementById("cf-grader-marks-load");
    var feedbackEl = document.getElementById("cf-grader-feedback");
    var bySkill = document.getElementById("cf-grader-by-skill"), bySkillRow = document.getElementById("cf-grader-by-skill-row");
    if (bySkill && bySkillRow && key.skills && key.skills.length) {
      bySkillRow.hidden = false;
      bySkill.addEventListener("change", function () { refresh(); });
    }
    var csv = "", records = [], g = null, fileProblems = [], fileNotes = [];
    var STORE = "casefile:" + key.pack + ":marks", marks = {};
    try { var saved = JSON.parse(localStorage.getItem(STORE) || "null"); if (saved) mergeMarks(marks, checkMarks(key, t("saved marks"), saved).marks); } catch (e) { /* none yet */ }
    function store() { try { localStorage.setItem(STORE, marksFile(key, marks)); } catch (e) { /* the download still works */ } }
    marksSave.disabled = !Object.keys(marks).length;

    function showProblems() {
      problemsEl.textContent = "";
      if (!fileProblems.length) return;
      problemsEl.appendChild(el("p", tn("Not graded (%(num)s problem):", "Not graded (%(num)s problems):", fileProblems.length), { "class": "cf-grader-problems-title" }));
      var ul = el("ul");
      fileProblems.forEach(function (p) { ul.appendChild(el("li", p)); });
      problemsEl.appendChild(ul);
    }

    // Scores, summary and table again (after files or a mark changed).
    function refresh() {
      tableEl.textContent = "";
      if (!records.length) {
        csv = ""; button.disabled = true; g = null;
        summaryEl.textContent = t("Nothing could be graded.");
        feedbackEl.textContent = "";
        return;
      }
      g = gradebook(key, records, marks, !!(bySkill && bySkill.checked && key.skills && key.skills.length));
      csv = toCsv(g.header, g.rows);
      button.disabled = false;
      var notes = g.notes.concat(fileNotes);
      summaryEl.textContent = tn("Graded %(num)s file", "Graded %(num)s files", g.files) + " " +
        tn("for %(num)s student.", "for %(num)s students.", g.rows.length) +
        (g.open ? " " + tn("%(num)s open answer to score.", "%(num)s open answers to score.", g.open) : "") +
        (notes.length ? " " + t("Note: %(notes)s", { notes: notes.join("; ") }) : "");
      // Material lets a wide table scroll sideways: it takes focus so the keyboard can scroll it.
      var wrap = el("div", null, { "class": "cf-grader-scroll" });
      var table = el("table", null, { tabindex: "0", "aria-label": t("Scores per student and exercise (as in gradebook.csv)") });
      var thead = el("thead"), tr = el("tr"), tbody = el("tbody");
      g.header.forEach(function (h) { tr.appendChild(el("th", h, { scope: "col", "class": "cf-nowrap" })); });
      thead.appendChild(tr);
      g.rows.forEach(function (r) {
        var row = el("tr");
        r.forEach(function (c, i) { row.appendChild(el(i === 0 ? "th" : "td", c, i === 0 ? { scope: "row" } : {})); });
        tbody.appendChild(row);
      });
      table.appendChild(thead); table.appendChild(tbody); wrap.appendChild(table); tableEl.appendChild(wrap);
      markingEl.querySelectorAll("[data-cf-mark]").forEach(function (box) {
        var st = g.students.filter(function (s) { return nameKey(s.name) === box.dataset.student; })[0];
        var r = st && st.results.filter(function (x) { return x.lesson.id === box.dataset.lesson && x.ex.id === box.dataset.exercise; })[0];
        var out = box.querySelector(".cf-mark-score");
        if (r && out) out.textContent = r.score === null ? tn("Score: not marked yet (%(num)s point)", "Score: not marked yet (%(num)s points)", r.ex.points)
          : t("Score: %(score)s / %(points)s", { score: fmt(r.score), points: r.ex.points });
      });
      feedbackEl.textContent = "";
      g.students.forEach(function (st) {
        var b = el("button", t("Feedback for %(name)s", { name: st.name }), { type: "button", "class": "md-button" });
        b.addEventListener("click", function () { download("feedback-" + cf.slug(st.name) + ".html", feedbackHtml(key, st), "text/html;charset=utf-8"); });
        feedbackEl.appendChild(b);
        feedbackEl.appendChild(document.createTextNode(" "));
      });
    }

    // One form per open answer handed in: a level per criterion (or points), a comment.
    function buildMarking() {
      markingEl.textContent = "";
      if (!g) return;
      var n = 0;
      g.students.forEach(function (st) {
        st.results.forEach(function (r) {
          if (r.auto || !r.answered || !r.ex.rubric) return;
          n += 1;
          var id = markId(st.name, r.lesson.id, r.ex.id), uid = "cf-mark-" + n, rb = r.ex.rubric;
          var box = el("fieldset", null, { "class": "cf-mark", "data-cf-mark": "", "data-student": nameKey(st.name), "data-lesson": r.lesson.id, "data-exercise": r.ex.id });
          box.appendChild(el("legend", st.name + ": " + r.lesson.id + " / " + r.ex.id + " (" + r.ex.label + ")"));
          box.appendChild(el("p", r.ex.prompt, { "class": "cf-mark-prompt" }));
          var bq = el("blockquote", null, { "class": "cf-mark-answer" });
          answerNodes(document, r.answer, r.ex.words).forEach(function (x) { bq.appendChild(x); });
          box.appendChild(bq);
          function current() {
            return marks[id] || { student: nameKey(st.name), lesson: r.lesson.id, lesson_version: r.lesson.version, exercise: r.ex.id,
              levels: rb.criteria.map(function () { return null; }), points: null, comment: "", marked_at: "" };
          }
          function changed(m) { m.marked_at = new Date().toISOString(); marks[id] = m; store(); marksSave.disabled = false; refresh(); }
          rb.criteria.forEach(function (c, ci) {
            var group = el("fieldset", null, { "class": "cf-mark-criterion" });
            group.appendChild(el("legend", c));
            rb.levels.forEach(function (lv, li) {
              var rid = uid + "-" + ci + "-" + li, label = el("label", null, { "for": rid });
              var radio = el("input", null, { type: "radio", id: rid, name: uid + "-" + ci, value: lv });
              if (marks[id] && marks[id].levels[ci] === lv) radio.checked = true;
              radio.addEventListener("change", function () { var m = current(); m.levels = m.levels.slice(); m.levels[ci] = lv; changed(m); });
              label.appendChild(radio);
              label.appendChild(document.createTextNode(" " + lv + (rb.points ? " (" + nPoints(rb.points[lv]) + ")" : "")));
              group.appendChild(label);
              group.appendChild(document.createTextNode(" "));
            });
            box.appendChild(group);
          });
          if (rb.max === null) {
            var pl = el("label", t("Points (0 to %(max)s)", { max: r.ex.points }) + " ", { "for": uid + "-points" });
            var num = el("input", null, { type: "number", id: uid + "-points", min: "0", max: String(r.ex.points), step: "0.5" });
            if (marks[id] && marks[id].points !== null) num.value = String(marks[id].points);
            num.addEventListener("change", function () {
              var m = current(), v = num.value === "" ? null : Number(num.value);
              m.points = v !== null && v >= 0 && v <= r.ex.points ? v : null; changed(m);
            });
            pl.appendChild(num);
            box.appendChild(el("p")).appendChild(pl);
          }
          var cl = el("label", t("Comment for the student"), { "for": uid + "-comment" });
          var ta = el("textarea", null, { id: uid + "-comment", rows: "3", "class": "cf-mark-comment" });
          ta.value = marks[id] ? marks[id].comment : "";
          ta.addEventListener("change", function () { var m = current(); m.comment = ta.value; changed(m); });
          box.appendChild(el("p")).appendChild(cl);
          box.appendChild(ta);
          box.appendChild(el("p", "", { "class": "cf-mark-score", "aria-live": "polite" }));
          markingEl.appendChild(box);
        });
      });
      if (n) markingEl.insertBefore(el("h2", tn("Mark the open answer (%(num)s)", "Mark the open answers (%(num)s)", n)), markingEl.firstChild);
    }

    function readAll(files) {
      return Promise.all(files.map(function (f) {
        return f.text().then(function (text) {
          var data = null;
          try { data = JSON.parse(text.replace(/^\ufeff/, "")); } catch (e) { /* readFile says why */ }
          if (isObj(data) && data.format === key.marks_format) return { marksFile: checkMarks(key, f.name, data) };
          return readFile(key, f.name, text);
        }, function () { return [t("%(file)s: cannot be read; check the file", { file: f.name })]; });
      }));
    }
    function takeMarks(list) {
      list.forEach(function (m) {
        fileProblems = fileProblems.concat(m.problems);
        mergeMarks(marks, m.marks);
      });
      if (list.length) { store(); marksSave.disabled = !Object.keys(marks).length; }
    }

    input.addEventListener("change", function () {
      var files = Array.prototype.slice.call(input.files || []);
      summaryEl.textContent = tn("Reading %(num)s file…", "Reading %(num)s files…", files.length);
      readAll(files).then(function (results) {
        var problems = [], recs = [], mk = [];
        results.forEach(function (r) { if (Array.isArray(r)) problems = problems.concat(r); else if (r.marksFile) mk.push(r.marksFile); else recs.push(r); });
        fileProblems = problems; records = recs; fileNotes = [];
        takeMarks(mk);
        showProblems();
        refresh();
        buildMarking();
        refresh();
      });
    });

    marksLoad.addEventListener("change", function () {
      var files = Array.prototype.slice.call(marksLoad.files || []);
      readAll(files).then(function (results) {
        var mk = [];
        results.forEach(function (r) { if (r && r.marksFile) mk.push(r.marksFile); else fileProblems.push((Array.isArray(r) ? r[0] : "") || t("not a marks file")); });
        takeMarks(mk);
        fileNotes = mk.length ? [tn("loaded %(num)s mark", "loaded %(num)s marks", mk.reduce(function (n, m) { return n + m.marks.length; }, 0))] : [];
        showProblems();
        refresh();
        buildMarking();
        refresh();
      });
    });

    marksSave.addEventListener("click", function () { download(key.pack + ".marks.json", marksFile(key, marks), "application/json"); });

    button.addEventListener("click", function () {
      if (!csv) return;
      download("gradebook.csv", csv, "text/csv;charset=utf-8");
    });
  }

  window.casefileCheck = { canonical: canonical, sha256Pure: sha256Pure, score: score, round2: round2, fmt: fmt, slug: cf.slug, markPoints: markPoints };
  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(init);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
