/* choice: radio buttons (one answer) or checkboxes (multiple: true). Answer: a list of option ids.
 * Score (ANSWERS.md): one answer: every point when the pick is the key, else 0; several: points
 * in proportion to (right picks - wrong picks), never below 0. */
KINDS.choice = {
  score: function (ex, a) {
    var right = a.filter(function (p) { return ex.key.indexOf(p) >= 0; }).length, wrong = a.length - right;
    if (ex.multiple) return { points: round2(ex.points * Math.max(0, right - wrong) / ex.key.length), n: Math.max(0, right - wrong), of: ex.key.length };
    var all = right === ex.key.length && wrong === 0;
    return { points: all ? ex.points : 0, n: all ? 1 : 0, of: 1 };
  },
  shape: function (ex, a) {
    if (!isStrList(a)) return ["a choice answer must be a list of option ids"];
    var bad = unknown(a, ex.options, "option");
    if (new Set(a).size !== a.length) bad.push("an id is listed twice");
    return bad;
  },
  get: function (box) {
    var v = $$(box, "input:checked").map(function (i) { return i.value; });
    return v.length ? v : null;
  },
  set: function (box, a) { $$(box, "input").forEach(function (i) { i.checked = a.indexOf(i.value) >= 0; }); },
  check: function (box, key, a) {
    var right = key.answer, picked = a || [];
    var r = scoreOf(box, key, picked), ok = r.n === r.of;
    var list = el("ul", { "class": "cf-why" });
    picked.forEach(function (p) {
      var good = right.indexOf(p) >= 0, inp = box.querySelector('input[value="' + CSS.escape(p) + '"]');
      list.appendChild(el("li", { "class": good ? "cf-ok" : "cf-no" }, [
        el("strong", { text: (good ? "✔ " : "✘ ") + text(inp && inp.parentNode) + ": " }), el("span", { html: key.why[p] || "" })]));
    });
    var missing = right.filter(function (r) { return picked.indexOf(r) < 0; }).length;
    var head = ok ? t("Correct.") : (box.dataset.multiple && missing && picked.every(function (p) { return right.indexOf(p) >= 0; })
      ? tn("Right so far: %(num)s more to find.", "Right so far: %(num)s more to find.", missing) : t("Not quite. Read why, then try again."));
    return { ok: ok, head: head, body: [list] };
  },
  show: function (box, a) {
    return el("ul", null, a.map(function (v) {
      var inp = box.querySelector('input[value="' + CSS.escape(v) + '"]');
      return el("li", { text: text(inp && inp.parentNode) });
    }));
  }
};
