/* match: a select per left item. Answer: {left item id: right item id}.
 * Score (ANSWERS.md): points in proportion to the left items matched right. */
KINDS.match = selectsKind({
  score: function (ex, a) { return pairsScore(ex, a); },
  shape: function (ex, a) {
    if (!isObj(a) || !Object.keys(a).every(function (k) { return typeof a[k] === "string"; })) return ["a match answer must map each left item id to a right item id"];
    return unknown(Object.keys(a), ex.left, "left item").concat(unknown(Object.keys(a).map(function (k) { return a[k]; }), ex.right, "right item"));
  }
});
