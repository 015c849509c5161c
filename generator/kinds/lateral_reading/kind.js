/* lateral_reading: notes per step. Answer: {"steps": ["...", ...]}; marked by the teacher. */
KINDS.lateral_reading = {
  shape: function (ex, a) { return isObj(a) && isStrList(a.steps) ? [] : ['a lateral reading answer must be {"steps": ["...", ...]}']; },
  get: function (box) {
    var s = $$(box, "ol.cf-steps textarea").map(function (t) { return t.value; });
    return s.some(function (x) { return x.trim(); }) ? { steps: s } : null;
  },
  set: function (box, a) { $$(box, "ol.cf-steps textarea").forEach(function (t, i) { t.value = (a.steps || [])[i] || ""; }); },
  show: function (box, a) {
    return el("ol", null, $$(box, "ol.cf-steps textarea").map(function (t, i) {
      return el("li", null, [el("strong", { text: labelFor(box, t.id) }), el("p", { "class": "cf-pre", text: (a.steps || [])[i] || "" })]);
    }));
  }
};
