/* match: a select per left item. Answer: {left item id: right item id}.
 * Score (ANSWERS.md): points in proportion to the left items matched right. */
KINDS.match = selectsKind({
  // the rows (left) and, in every row's list the same way, the matches (right)
  setup: function (box) {
    shuffleNodes(box, "left", $$(box, "tbody > tr"), function (tr) { return tr.querySelector("select").name; });
    var first = box.querySelector("select"), right = first ? $$(first, "option").filter(function (o) { return o.value; }) : [];
    var order = startOrder(box, "right", right.map(function (o) { return o.value; }));
    if (order) $$(box, "select").forEach(function (s) {
      order.forEach(function (v) { var o = s.querySelector('option[value="' + CSS.escape(v) + '"]'); if (o) s.appendChild(o); });
    });
  },
  score: function (ex, a) { return pairsScore(ex, a); },
  shape: function (ex, a) {
    if (!isObj(a) || !Object.keys(a).every(function (k) { return typeof a[k] === "string"; })) return ["a match answer must map each left item id to a right item id"];
    return unknown(Object.keys(a), ex.left, "left item").concat(unknown(Object.keys(a).map(function (k) { return a[k]; }), ex.right, "right item"));
  }
});
