/* Casefile exercises: progressive enhancement of the static forms rendered by render.py.
 * Answers stay in this browser (localStorage); nothing is ever sent anywhere. Plain ES2018, no
 * dependencies. Works from file://, with or without mkdocs-material's instant navigation. */
(function () {
  "use strict";

  var PREFIX = "casefile:v1:";

  /* ------------------------------------------------------------------ the interface's words */
  // In the pack's language, as data (generator/i18n.py; kinds/bundle.py fills this in at build):
  // {"lang", "s": {English text: translation}, "p": {English singular: {plural category: text}}}.
  // t(text, {name: value}) and tn(one, many, n, {…}) fill in %(name)s (and %(num)s = n).
  var STRINGS = {"lang": "en", "s": {}, "p": {}};  /* @strings */
  function fill(s, vals) {
    return s.replace(/%\((\w+)\)s/g, function (m, k) { return vals && vals[k] != null ? String(vals[k]) : m; });
  }
  function t(s, vals) { return fill(Object.prototype.hasOwnProperty.call(STRINGS.s, s) ? STRINGS.s[s] : s, vals); }
  var plurals = null;
  function tn(one, many, n, vals) {
    var forms = STRINGS.p[one], v = { num: n };
    Object.keys(vals || {}).forEach(function (k) { v[k] = vals[k]; });
    if (!forms) return fill(n === 1 ? one : many, v);
    try { plurals = plurals || new Intl.PluralRules(STRINGS.lang); } catch (e) { plurals = { select: function (x) { return x === 1 ? "one" : "other"; } }; }
    var f = forms[plurals.select(n)];
    return fill(f != null ? f : forms.other != null ? forms.other : many, v);
  }

  /* ------------------------------------------------------------------ SHA-256 (pure JS) */
  // crypto.subtle is async and missing on file:// in some browsers; this is small and synchronous.
  var K = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2];

  function ror(x, n) { return (x >>> n) | (x << (32 - n)); }

  function sha256(msg) {
    var H = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    var len = msg.length, size = ((len + 9 + 63) >> 6) << 6;
    var m = new Uint8Array(size);
    m.set(msg);
    m[len] = 0x80;
    var dv = new DataView(m.buffer), bits = len * 8;
    dv.setUint32(size - 4, bits >>> 0);
    dv.setUint32(size - 8, Math.floor(bits / 4294967296));
    var w = new Uint32Array(64), i, t;
    for (i = 0; i < size; i += 64) {
      for (t = 0; t < 16; t++) w[t] = dv.getUint32(i + t * 4);
      for (t = 16; t < 64; t++) {
        var a = w[t - 15], b = w[t - 2];
        w[t] = (w[t - 16] + (ror(a, 7) ^ ror(a, 18) ^ (a >>> 3)) + w[t - 7] + (ror(b, 17) ^ ror(b, 19) ^ (b >>> 10))) | 0;
      }
      var A = H[0], B = H[1], C = H[2], D = H[3], E = H[4], F = H[5], G = H[6], X = H[7];
      for (t = 0; t < 64; t++) {
        var t1 = (X + (ror(E, 6) ^ ror(E, 11) ^ ror(E, 25)) + ((E & F) ^ (~E & G)) + K[t] + w[t]) | 0;
        var t2 = ((ror(A, 2) ^ ror(A, 13) ^ ror(A, 22)) + ((A & B) ^ (A & C) ^ (B & C))) | 0;
        X = G; G = F; F = E; E = (D + t1) | 0; D = C; C = B; B = A; A = (t1 + t2) | 0;
      }
      H[0] = (H[0] + A) | 0; H[1] = (H[1] + B) | 0; H[2] = (H[2] + C) | 0; H[3] = (H[3] + D) | 0;
      H[4] = (H[4] + E) | 0; H[5] = (H[5] + F) | 0; H[6] = (H[6] + G) | 0; H[7] = (H[7] + X) | 0;
    }
    var out = new Uint8Array(32), ov = new DataView(out.buffer);
    for (i = 0; i < 8; i++) ov.setUint32(i * 4, H[i] >>> 0);
    return out;
  }

  function utf8(s) { return new TextEncoder().encode(s); }
  function hex(bytes) {
    var s = "";
    for (var i = 0; i < bytes.length; i++) s += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    return s;
  }

  /* Instant keys: base64 of the JSON XORed with sha256("casefile:<id>:<n>") blocks (render.obfuscate). */
  function decodeKey(id, b64) {
    try {
      var bin = atob(b64), data = new Uint8Array(bin.length), i;
      for (i = 0; i < bin.length; i++) data[i] = bin.charCodeAt(i);
      var block = null;
      for (i = 0; i < data.length; i++) {
        if (i % 32 === 0) block = sha256(utf8("casefile:" + id + ":" + (i / 32)));
        data[i] ^= block[i % 32];
      }
      return JSON.parse(new TextDecoder().decode(data));
    } catch (e) { return null; }
  }

  /* Canonical JSON (ANSWERS.md): keys sorted at every level, no spaces. */
  function canon(v) {
    if (Array.isArray(v)) return "[" + v.map(canon).join(",") + "]";
    if (v && typeof v === "object") {
      return "{" + Object.keys(v).sort().map(function (k) { return JSON.stringify(k) + ":" + canon(v[k]); }).join(",") + "}";
    }
    return JSON.stringify(v);
  }

  /* ------------------------------------------------------------------ storage */
  var memory = {};
  var canStore = (function () {
    try { localStorage.setItem(PREFIX + "t", "1"); localStorage.removeItem(PREFIX + "t"); return true; } catch (e) { return false; }
  })();
  function load(k) {
    try { var v = canStore ? localStorage.getItem(k) : memory[k]; return v == null ? null : JSON.parse(v); } catch (e) { return null; }
  }
  function save(k, v) {
    var s = JSON.stringify(v);
    if (canStore) { try { localStorage.setItem(k, s); return; } catch (e) { /* full: keep in memory */ } }
    memory[k] = s;
  }
  function drop(k) { try { if (canStore) localStorage.removeItem(k); } catch (e) { /* ignore */ } delete memory[k]; }

  function base(d) { return PREFIX + (d.edition || "student") + ":" + d.pack + ":" + d.packVersion + ":"; }

  /* ------------------------------------------------------------------ DOM helpers */
  function el(tag, attrs, kids) {
    var n = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) {
      if (k === "text") n.textContent = attrs[k];
      else if (k === "html") n.innerHTML = attrs[k];  // only sanitized HTML from the build
      else n.setAttribute(k, attrs[k]);
    });
    (kids || []).forEach(function (c) { if (c != null) n.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return n;
  }
  function $$(root, sel) { return Array.prototype.slice.call(root.querySelectorAll(sel)); }
  function text(node) { return node ? node.textContent.replace(/\s+/g, " ").trim() : ""; }
  function isEmpty(a) {
    if (a == null) return true;
    if (Array.isArray(a)) return a.length === 0;
    if (typeof a === "object") return Object.keys(a).every(function (k) { return isEmpty(a[k]); });
    return String(a).trim() === "";
  }
  function labelFor(box, id) { var l = box.querySelector('label[for="' + id + '"]'); return text(l); }
  function selectedText(sel) { var o = sel.options[sel.selectedIndex]; return o && o.value ? o.textContent : ""; }

  /* ------------------------------------------------------------------ the answer contract (ANSWERS.md) */
  // White space as Python's str.isspace (so norm() folds exactly what text.normalise folds).
  var WS = /[\t\n\v\f\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/g;
  function norm(s) { return String(s).replace(WS, " ").replace(/^ | $/g, ""); }
  // Names merge with white space folded and case ignored: upper case, then lower case (name_key).
  function nameKey(s) { return norm(s).toUpperCase().toLowerCase(); }
  // A file name from a student's name: the same rule as grade/names.py `file_slug` (ANSWERS.md, "Names").
  function slug(s) {
    return Array.from(String(s).normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, "-").replace(/^-+|-+$/g, "")).slice(0, 60).join("") || "student";
  }
  function round2(x) { return Math.floor(x * 100 + 0.5 + 1e-9) / 100; }
  function points(pts, n, of) { return n === of ? pts : round2(pts * n / of); }
  function occurrences(needle, hay) {
    var out = [], i = needle ? hay.indexOf(needle) : -1;
    while (i >= 0) { out.push(i); i = hay.indexOf(needle, i + 1); }
    return out;
  }
  function has(o, k) { return Object.prototype.hasOwnProperty.call(o, k); }
  function isStrList(v) { return Array.isArray(v) && v.every(function (s) { return typeof s === "string"; }); }
  function isObj(v) { return v !== null && typeof v === "object" && !Array.isArray(v); }
  function unknown(vals, allowed, what) {
    return vals.filter(function (v) { return allowed.indexOf(v) < 0; }).map(function (v) { return what + " '" + v + "' is not one of " + allowed.join(", "); });
  }
  // classify and match: {item: choice} against the key, points in proportion to those right
  function pairsScore(ex, a) {
    var ids = Object.keys(ex.key), n = ids.filter(function (id) { return has(a, id) && a[id] === ex.key[id]; }).length;
    return { points: round2(ex.points * n / ids.length), n: n, of: ids.length };
  }

  /* ------------------------------------------------------------------ exercise kinds */
  // Each kind (generator/kinds/<kind>/kind.js, inserted below in registry order):
  //   score(ex, answer) -> {points, n, of} (auto-graded kinds; ex: the kind's entry of the Check
  //   answers key, or the same built from an instant key), shape(ex, answer) -> problems,
  //   get(box) -> answer or null, set(box, answer), check(box, key, answer) -> feedback nodes,
  //   show(box, answer) -> readable node for the print view, setup(box, changed), reset(box).
  var KINDS = {};

  // The exercise as the scorer sees it, from the page and a decoded instant key.
  function instantExercise(box, k) {
    return { type: box.dataset.type, points: Number(box.dataset.points), multiple: box.dataset.multiple === "true",
             key: k.answer, text: box.cfPlain || "" };
  }
  function scoreOf(box, k, a) { return KINDS[box.dataset.type].score(instantExercise(box, k), a); }

  // classify and match: a select per row, answer {row id: option id}; `extra` holds score and shape
  function selectsKind(extra) {
    var kind = {
      get: function (box) {
        var a = {};
        $$(box, "select").forEach(function (s) { if (s.value) a[s.name] = s.value; });
        return Object.keys(a).length ? a : null;
      },
      set: function (box, a) { $$(box, "select").forEach(function (s) { s.value = a[s.name] || ""; }); },
      check: function (box, key, a) {
        a = a || {};
        var r = scoreOf(box, key, a), list = el("ul", { "class": "cf-why" });
        $$(box, "select").forEach(function (s) {
          var good = a[s.name] === key.answer[s.name];
          s.setAttribute("aria-invalid", good ? "false" : "true");
          s.closest("tr").setAttribute("data-cf-result", good ? "ok" : "no");
          var name = labelFor(box, s.id);
          list.appendChild(el("li", { "class": good ? "cf-ok" : "cf-no" }, good
            ? [el("strong", { text: "✔ " + name + " → " + selectedText(s) + ": " }), el("span", { html: key.why[s.name] || "" })]
            : [el("strong", { text: "✘ " + name + ": " }), a[s.name] ? t("not this one, try again.") : t("not answered yet.")]));
        });
        return { ok: r.n === r.of, head: r.n === r.of ? t("All correct.") : t("%(n)s of %(of)s right.", { n: r.n, of: r.of }), body: [list] };
      },
      show: function (box, a) {
        return el("ul", null, $$(box, "select").filter(function (s) { return a[s.name]; }).map(function (s) {
          var o = s.querySelector('option[value="' + CSS.escape(a[s.name]) + '"]');
          return el("li", { text: labelFor(box, s.id) + " → " + (o ? o.textContent : a[s.name]) });
        }));
      }
    };
    Object.keys(extra).forEach(function (k) { kind[k] = extra[k]; });
    return kind;
  }

  /* @kinds: each registered kind's kind.js is inserted here (generator/kinds/bundle.py) */

  /* ------------------------------------------------------------------ a lesson page */
  function initLesson(root) {
    var d = {
      pack: root.dataset.pack, packVersion: root.dataset.packVersion, lesson: root.dataset.lesson,
      version: root.dataset.version, edition: root.dataset.edition || "student", title: root.dataset.title || root.dataset.lesson
    };
    var key = base(d) + d.lesson + ":" + d.version;
    var state = load(key) || {};
    var answers = state.answers || {};
    var boxes = $$(document, ".cf-exercise[data-exercise]").filter(function (b) { return KINDS[b.dataset.type]; });
    var tools = document.querySelector(".cf-tools");
    var status = tools && tools.querySelector(".cf-tools-status");
    var nameBox = tools && tools.querySelector("#cf-student");
    var nameKey = PREFIX + d.pack + ":student";
    // Answers saved for an older version of this lesson are not loaded (the exercises changed), but
    // are kept until "Reset" so nothing a student wrote is silently destroyed.
    function olderKeys() {
      var out = [];
      try {
        if (canStore) for (var i = 0; i < localStorage.length; i++) {
          var k = localStorage.key(i);
          if (k && k.indexOf(base(d) + d.lesson + ":") === 0 && k !== key) out.push(k);
        }
      } catch (e) { /* ignore */ }
      return out;
    }
    var stale = !state.answers && olderKeys().some(function (k) { var o = load(k); return o && !isEmpty(o.answers); });

    function persist() {
      save(key, { answers: answers, updated: new Date().toISOString() });
      progress();
    }

    function progress() {
      var n = boxes.filter(function (b) { return !isEmpty(answers[b.dataset.exercise]); }).length, total = boxes.length;
      var idx = load(base(d) + "index") || {};
      idx[d.lesson] = { version: d.version, answered: n, total: total };
      save(base(d) + "index", idx);
      $$(document, ".cf-lesson-progress").forEach(function (p) {
        p.hidden = false;
        p.querySelector(".cf-progress-text").textContent = tn("%(n)s of %(num)s exercise answered", "%(n)s of %(num)s exercises answered", total, { n: n });
        var bar = p.querySelector("progress");
        bar.max = total || 1; bar.value = n;
      });
    }

    boxes.forEach(function (box) {
      var id = box.dataset.exercise, kind = KINDS[box.dataset.type], fb = box.querySelector(".cf-feedback");
      var instant = box.dataset.feedback === "instant" && box.dataset.k;
      var told = false;
      function changed() {
        var a = kind.get(box);
        if (isEmpty(a)) delete answers[id]; else answers[id] = a;
        persist();
        box.removeAttribute("data-cf-checked");
        if (instant) { fb.textContent = ""; fb.className = "cf-feedback"; }
        else if (!told && fb) {
          told = true;
          fb.className = "cf-feedback cf-saved";
          fb.textContent = d.edition === "teacher" ? t("Saved in this browser.") :
            t("Saved in this browser. Your teacher checks this one: download your answers to hand it in.");
        }
      }
      if (kind.setup) kind.setup(box, changed);
      if (answers[id] != null) { try { kind.set(box, answers[id]); } catch (e) { delete answers[id]; } }
      box.addEventListener("change", function (e) { if (!e.target.closest(".cf-movers")) changed(); });
      box.addEventListener("input", function (e) { if (e.target.tagName === "TEXTAREA") changed(); });
      var btn = box.querySelector(".cf-check");
      if (instant && btn) {
        btn.parentNode.hidden = false;
        btn.addEventListener("click", function () {
          var k = decodeKey(id, box.dataset.k);
          if (!k) { fb.textContent = t("Sorry, this answer cannot be checked here."); return; }
          var r = kind.check(box, k, kind.get(box));
          fb.textContent = "";
          fb.className = "cf-feedback " + (r.ok ? "cf-fb-ok" : "cf-fb-no");
          fb.appendChild(el("p", null, [el("strong", { text: r.head })]));
          r.body.forEach(function (n) { fb.appendChild(n); });
          if (r.ok && k.explanation) fb.appendChild(el("div", { "class": "cf-explanation", html: k.explanation }));
          box.setAttribute("data-cf-checked", r.ok ? "ok" : "no");
        });
      }
    });
    progress();
    if (!tools) return;
    tools.hidden = false;
    if (!canStore && status) status.textContent = t("This browser does not let the page keep your answers: download them before you leave.");
    else if (stale && status) status.textContent = t("This lesson has changed since you last worked on it, so your earlier answers were not loaded. Please answer again.");
    if (nameBox) {
      nameBox.value = load(nameKey) || "";
      nameBox.addEventListener("input", function () { save(nameKey, nameBox.value); });
    }

    function answerFile() {
      var picked = {};
      boxes.forEach(function (b) { var a = answers[b.dataset.exercise]; if (!isEmpty(a)) picked[b.dataset.exercise] = a; });
      var obj = {
        format: "casefile-answers", format_version: 1, pack: d.pack, pack_version: d.packVersion,
        lesson: d.lesson, lesson_version: d.version, student: (nameBox ? nameBox.value : "").trim(),
        saved_at: new Date().toISOString().replace(/\.\d+Z$/, "Z"), answers: picked
      };
      obj.checksum = hex(sha256(utf8(canon(obj))));
      return obj;
    }
    function needName() {
      if (nameBox && nameBox.value.trim()) return false;
      status.textContent = t("Type your name first, so your teacher knows whose answers these are.");
      if (nameBox) nameBox.focus();
      return true;
    }

    tools.addEventListener("click", function (e) {
      var b = e.target.closest("[data-cf-action]");
      if (!b) return;
      var act = b.dataset.cfAction;
      if (act === "download") {
        if (needName()) return;
        var obj = answerFile(), name = d.lesson + "-" + slug(obj.student) + ".casefile.json";
        var url = URL.createObjectURL(new Blob([JSON.stringify(obj, null, 2) + "\n"], { type: "application/json" }));
        var a = el("a", { href: url, download: name });
        document.body.appendChild(a); a.click(); a.remove();
        setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
        status.textContent = tn("Saved %(file)s (%(num)s answer) to your downloads. Hand this file to your teacher.",
          "Saved %(file)s (%(num)s answers) to your downloads. Hand this file to your teacher.", Object.keys(obj.answers).length, { file: name });
      } else if (act === "print") {
        printView();
      } else if (act === "close-print") {
        var v = tools.querySelector(".cf-print-view");
        if (v) v.remove();
        document.body.classList.remove("cf-printing");
        tools.querySelector('[data-cf-action="print"]').focus();
      } else if (act === "reset") {
        if (!window.confirm(t("Delete all your answers to this lesson from this browser? This cannot be undone."))) return;
        drop(key);
        olderKeys().forEach(drop);
        answers = {};
        boxes.forEach(function (box) {
          var kind = KINDS[box.dataset.type];
          $$(box, "input[type=radio], input[type=checkbox]").forEach(function (i) { i.checked = false; });
          $$(box, "select, textarea").forEach(function (c) { c.value = ""; c.removeAttribute("aria-invalid"); });
          $$(box, "[data-cf-result]").forEach(function (r) { r.removeAttribute("data-cf-result"); });
          $$(box, ".cf-w").forEach(function (w) { w.setAttribute("aria-pressed", "false"); });
          $$(box, ".cf-hl-summary").forEach(function (x) { x.textContent = ""; });
          if (kind.reset) kind.reset(box);
          box.removeAttribute("data-cf-checked");
          var fb = box.querySelector(".cf-feedback");
          if (fb) { fb.textContent = ""; fb.className = "cf-feedback"; }
        });
        persist();
        status.textContent = t("Your answers to this lesson were deleted from this browser.");
      }
    });

    function printView() {
      var old = tools.querySelector(".cf-print-view");
      if (old) old.remove();
      var who = nameBox && nameBox.value.trim();
      var v = el("section", { "class": "cf-print-view", "aria-labelledby": "cf-print-title" }, [
        el("h2", { id: "cf-print-title", text: t("My answers: %(title)s", { title: d.title }) }),
        el("p", { text: (who ? t("Name: %(name)s", { name: who }) + " · " : "") +
          t("Printed %(date)s", { date: new Date().toLocaleString(STRINGS.lang === "en" ? undefined : STRINGS.lang) }) })]);
      boxes.forEach(function (box, i) {
        var a = answers[box.dataset.exercise];
        v.appendChild(el("h3", { text: t("Exercise %(n)s", { n: i + 1 }) }));
        v.appendChild(el("div", { "class": "cf-print-prompt", text: text(box.querySelector(".cf-prompt")) }));
        v.appendChild(isEmpty(a) ? el("p", { "class": "cf-print-none", text: t("(not answered)") }) : KINDS[box.dataset.type].show(box, a));
      });
      v.appendChild(el("p", { "class": "cf-noprint" }, [
        el("button", { type: "button", "class": "md-button", "data-cf-action": "close-print", text: t("Close the print view") })]));
      tools.appendChild(v);
      document.body.classList.add("cf-printing");
      v.querySelector("h2").tabIndex = -1;
      v.querySelector("h2").focus();
      status.textContent = t("Print view ready below.");
      if (typeof window.print === "function") window.print();
    }
  }

  /* ------------------------------------------------------------------ the lesson list */
  function initHome() {
    $$(document, ".cf-progress[data-lesson]").forEach(function (s) {
      if (s.dataset.cfReady) return;
      s.dataset.cfReady = "1";
      var idx = load(base({ edition: s.dataset.edition, pack: s.dataset.pack, packVersion: s.dataset.packVersion }) + "index") || {};
      var p = idx[s.dataset.lesson];
      if (!p || !p.answered) return;
      s.textContent = "";
      s.appendChild(el("span", { "class": "cf-badge" + (p.answered >= p.total ? " cf-done" : ""),
        text: p.answered >= p.total ? t("✔ all answered") : t("%(n)s of %(of)s answered", { n: p.answered, of: p.total }) }));
    });
  }

  function init() {
    initHome();
    var root = document.querySelector(".cf-lesson[data-lesson]");
    if (root && !root.dataset.cfReady) { root.dataset.cfReady = "1"; initLesson(root); }
  }

  // Shared with check-answers.js (teacher edition), which scores the same answer files with the
  // same kinds, and with the tests (tests/vectors/answers.json).
  window.casefile = {
    sha256hex: function (s) { return hex(sha256(utf8(s))); },
    sha256: function (bytes) { return hex(sha256(bytes)); }, canon: canon, norm: norm, nameKey: nameKey, slug: slug,
    round2: round2, kinds: Object.keys(KINDS), t: t, tn: tn, lang: STRINGS.lang,
    auto: function (type) { return !!(KINDS[type] && KINDS[type].score); },
    score: function (ex, a) { return KINDS[ex.type].score(ex, a); },
    shape: function (ex, a) { return KINDS[ex.type] ? KINDS[ex.type].shape(ex, a) : ["unknown exercise kind '" + ex.type + "'"]; }
  };
  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(init);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
