/* highlight: every word of the paragraph is a toggle button (one tab stop, arrow keys move).
 * Answer: the marked stretches of text. Score (ANSWERS.md): points in proportion to the key spans found. */
var WORD = /[\p{L}\p{N}]+(?:['’\-][\p{L}\p{N}]+)*/gu;
KINDS.highlight = {
  // A key span is found when a marked span, at any of its occurrences in the paragraph, overlaps
  // any occurrence of the key and is at most twice as long as all the key spans it overlaps
  // together. Texts compared with white space folded (norm). Same rule as highlight_found in Python.
  found: function (ex, spans) {
    var t = norm(ex.text), keys = ex.key.map(norm);
    var at = keys.map(function (k) { return occurrences(k, t); });
    return keys.map(function (k, ki) {
      return spans.some(function (s0) {
        var s = norm(s0);
        if (!s) return false;
        return occurrences(s, t).some(function (a) {
          function hits(j) { return at[j].some(function (b) { return a < b + keys[j].length && b < a + s.length; }); }
          if (!hits(ki)) return false;
          var covered = 0;
          keys.forEach(function (x, j) { if (hits(j)) covered += x.length; });
          return s.length <= 2 * covered;
        });
      });
    });
  },
  score: function (ex, a) {
    var n = this.found(ex, a).filter(Boolean).length;
    return { points: round2(ex.points * n / ex.key.length), n: n, of: ex.key.length };
  },
  shape: function (ex, a) { return isStrList(a) ? [] : ["a highlight answer must be a list of marked words"]; },
  para: function (box) { return box.querySelector(".cf-highlight .cf-para > p, .cf-highlight .cf-para .cf-caption"); },
  words: function (box) { return $$(box, ".cf-highlight .cf-w"); },
  sum: function (box) {
    var out = box.querySelector(".cf-hl-summary");
    if (out) out.textContent = this.spans(box).map(function (r) { return "“" + r.t + "”"; }).join(", ");
  },
  setup: function (box, onChange) {
    var self = this, p = this.para(box);
    if (!p) return;
    function changed() { self.sum(box); onChange(); }
    var plain = "", words = [];
    Array.prototype.slice.call(p.childNodes).forEach(function (node) {
      if (node.nodeType !== 3) { if (node.nodeName === "BR") plain += "\n"; return; }
      var s = node.data, frag = document.createDocumentFragment(), last = 0, m;
      WORD.lastIndex = 0;
      while ((m = WORD.exec(s))) {
        if (m.index > last) frag.appendChild(document.createTextNode(s.slice(last, m.index)));
        var b = el("button", { type: "button", "class": "cf-w", "aria-pressed": "false", tabindex: "-1", text: m[0] });
        b.cfStart = plain.length + m.index; b.cfEnd = b.cfStart + m[0].length;
        words.push(b); frag.appendChild(b);
        last = m.index + m[0].length;
      }
      if (last < s.length) frag.appendChild(document.createTextNode(s.slice(last)));
      plain += s;
      p.replaceChild(frag, node);
    });
    box.cfPlain = plain;
    if (!words.length) return;
    words[0].tabIndex = 0;
    p.setAttribute("role", "group");
    p.setAttribute("aria-label", t("Words of the paragraph: arrow keys move, Space or Enter marks a word, Shift+arrow marks as you go"));
    var anchor = 0;
    function focusWord(i, extend) {
      i = Math.max(0, Math.min(words.length - 1, i));
      words.forEach(function (w) { w.tabIndex = -1; });
      words[i].tabIndex = 0; words[i].focus();
      if (extend) { words[i].setAttribute("aria-pressed", "true"); changed(); }
    }
    words.forEach(function (w, i) {
      w.addEventListener("click", function (e) {
        if (e.shiftKey && e.detail) {  // mouse shift+click marks the whole range
          var a = Math.min(anchor, i), z = Math.max(anchor, i);
          for (var j = a; j <= z; j++) words[j].setAttribute("aria-pressed", "true");
        } else {
          w.setAttribute("aria-pressed", w.getAttribute("aria-pressed") === "true" ? "false" : "true");
        }
        anchor = i;
        words.forEach(function (x) { x.tabIndex = -1; });
        w.tabIndex = 0;
        changed();
      });
      w.addEventListener("keydown", function (e) {
        var k = e.key, to = null;
        if (k === "ArrowRight" || k === "ArrowDown") to = i + 1;
        else if (k === "ArrowLeft" || k === "ArrowUp") to = i - 1;
        else if (k === "Home") to = 0;
        else if (k === "End") to = words.length - 1;
        if (to === null) return;
        e.preventDefault();
        if (e.shiftKey) { w.setAttribute("aria-pressed", "true"); }
        focusWord(to, e.shiftKey);
      });
    });
    var hint = box.querySelector(".cf-hint");
    (hint || p).parentNode.insertBefore(el("p", { "class": "cf-hl-marked" }, [t("Marked:") + " ", el("span", { "class": "cf-hl-summary" })]), hint ? hint.nextSibling : null);
  },
  spans: function (box) {
    var out = [], run = null, plain = box.cfPlain || "";
    this.words(box).forEach(function (w, i, all) {
      var on = w.getAttribute("aria-pressed") === "true";
      if (on && run) run.e = w.cfEnd;
      else if (on) run = { s: w.cfStart, e: w.cfEnd };
      if ((!on || i === all.length - 1) && run) { out.push(run); run = null; }
    });
    return out.map(function (r) { return { s: r.s, e: r.e, t: plain.slice(r.s, r.e) }; });
  },
  get: function (box) {
    var s = this.spans(box).map(function (r) { return r.t; });
    return s.length ? s : null;
  },
  set: function (box, a) {
    var plain = box.cfPlain || "", words = this.words(box);
    words.forEach(function (w) { w.setAttribute("aria-pressed", "false"); });
    a.forEach(function (t) {
      var at = plain.indexOf(t);
      if (at < 0) return;
      words.forEach(function (w) { if (w.cfStart < at + t.length && w.cfEnd > at) w.setAttribute("aria-pressed", "true"); });
    });
    this.sum(box);
  },
  check: function (box, key) {
    var ex = instantExercise(box, key), found = this.found(ex, this.get(box) || []), list = el("ul", { "class": "cf-why" });
    key.answer.forEach(function (t, i) {
      if (found[i]) list.appendChild(el("li", { "class": "cf-ok" }, [el("strong", { text: "✔ “" + t + "”: " }), el("span", { html: key.why[i] || "" })]));
    });
    var n = found.filter(Boolean).length, total = key.answer.length, ok = n === total;
    return { ok: ok, head: ok ? t("You found them all.") : t("You found %(n)s of %(of)s. Keep looking: mark only the words that matter.", { n: n, of: total }), body: [list] };
  },
  show: function (box, a) { return el("ul", null, a.map(function (t) { return el("li", null, [el("mark", { text: t })]); })); }
};
