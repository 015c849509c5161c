/* classify: a select per item. Answer: {item id: category id}.
 * Score (ANSWERS.md): points in proportion to the items in their right category. */
KINDS.classify = selectsKind({
  setup: function (box) { shuffleNodes(box, "items", $$(box, "tbody > tr"), function (tr) { return tr.querySelector("select").name; }); },
  score: function (ex, a) { return pairsScore(ex, a); },
  shape: function (ex, a) {
    if (!isObj(a) || !Object.keys(a).every(function (k) { return typeof a[k] === "string"; })) return ["a classify answer must map each item id to a category id"];
    return unknown(Object.keys(a), ex.items, "item").concat(unknown(Object.keys(a).map(function (k) { return a[k]; }), ex.categories, "category"));
  }
});
