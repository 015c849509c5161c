/* true_false: a pair of radio buttons (True, False) per statement. Answer: {statement id: true|false}.
 * Score (ANSWERS.md): points in proportion to the statements answered right. */
KINDS.true_false = {
  score: function (ex, a) { return pairsScore(ex, a); },
  shape: function (ex, a) {
    if (!isObj(a) || !Object.keys(a).every(function (k) { return typeof a[k] === "boolean"; })) return ["a true or false answer must map each statement id to true or false"];
    return unknown(Object.keys(a), ex.statements, "statement");
  },
  rows: function (box) { return $$(box, "tr[data-statement]"); },
  get: function (box) {
    var a = {};
    this.rows(box).forEach(function (tr) {
      var c = tr.querySelector("input:checked");
      if (c) a[tr.dataset.statement] = c.value === "true";
    });
    return Object.keys(a).length ? a : null;
  },
  set: function (box, a) {
    this.rows(box).forEach(function (tr) {
      $$(tr, "input").forEach(function (i) { i.checked = has(a, tr.dataset.statement) && String(a[tr.dataset.statement]) === i.value; });
    });
  },
  check: function (box, key, a) {
    a = a || {};
    var r = scoreOf(box, key, a), list = el("ul", { "class": "cf-why" });
    this.rows(box).forEach(function (tr) {
      var id = tr.dataset.statement, said = has(a, id), good = said && a[id] === key.answer[id];
      tr.setAttribute("data-cf-result", good ? "ok" : "no");
      var name = text(tr.querySelector("th"));
      list.appendChild(el("li", { "class": good ? "cf-ok" : "cf-no" }, good
        ? [el("strong", { text: "✔ " + name + " → " + (a[id] ? "True" : "False") + ": " }), el("span", { html: key.why[id] || "" })]
        : [el("strong", { text: "✘ " + name + ": " }), said ? t("not this one, try again.") : t("not answered yet.")]));
    });
    return { ok: r.n === r.of, head: r.n === r.of ? t("All correct.") : t("%(n)s of %(of)s right.", { n: r.n, of: r.of }), body: [list] };
  },
  show: function (box, a) {
    return el("ul", null, this.rows(box).filter(function (tr) { return has(a, tr.dataset.statement); }).map(function (tr) {
      return el("li", { text: text(tr.querySelector("th")) + " → " + (a[tr.dataset.statement] ? "True" : "False") });
    }));
  }
};
