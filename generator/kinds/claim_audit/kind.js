/* claim_audit: four fields per claim. Answer: {claim id: {evidence, source, other_sources, confidence}};
 * marked by the teacher. */
var AUDIT = ["evidence", "source", "other_sources", "confidence"], CONFIDENCES = ["high", "medium", "low", "unverified", ""];
KINDS.claim_audit = {
  shape: function (ex, a) {
    if (!isObj(a) || !Object.keys(a).every(function (k) { return isObj(a[k]); })) return ["a claim audit answer must map each claim id to its fields"];
    var bad = unknown(Object.keys(a), ex.claims, "claim");
    Object.keys(a).forEach(function (cid) {
      var row = a[cid];
      Object.keys(row).forEach(function (k) {
        if (AUDIT.indexOf(k) < 0 || typeof row[k] !== "string") bad.push("field '" + k + "' is not one of " + AUDIT.join(", ") + " with text");
        else if (k === "confidence" && CONFIDENCES.indexOf(row[k]) < 0) bad.push("confidence '" + row[k] + "' is not one of high, medium, low, unverified");
      });
    });
    return bad;
  },
  get: function (box) {
    var a = {};
    $$(box, "fieldset.cf-audit").forEach(function (fs) {
      var row = {}, any = false;
      AUDIT.forEach(function (f) {
        var c = fs.querySelector('[name="' + CSS.escape(fs.dataset.claim + "." + f) + '"]');
        row[f] = c ? c.value : "";
        if (row[f].trim()) any = true;
      });
      if (any) a[fs.dataset.claim] = row;
    });
    return Object.keys(a).length ? a : null;
  },
  set: function (box, a) {
    $$(box, "fieldset.cf-audit").forEach(function (fs) {
      AUDIT.forEach(function (f) {
        var c = fs.querySelector('[name="' + CSS.escape(fs.dataset.claim + "." + f) + '"]');
        if (c) c.value = (a[fs.dataset.claim] || {})[f] || "";
      });
    });
  },
  show: function (box, a) {
    return el("div", null, $$(box, "fieldset.cf-audit").filter(function (fs) { return a[fs.dataset.claim]; }).map(function (fs) {
      var row = a[fs.dataset.claim];
      return el("div", null, [el("p", null, [el("strong", { text: text(fs.querySelector("legend")) })]),
        el("dl", null, AUDIT.reduce(function (acc, f) {
          var c = fs.querySelector('[name="' + CSS.escape(fs.dataset.claim + "." + f) + '"]');
          acc.push(el("dt", { text: c ? labelFor(box, c.id) : f }));
          acc.push(el("dd", { "class": "cf-pre", text: c && c.tagName === "SELECT" ? selectedText(c) : row[f] }));
          return acc;
        }, []))]);
    }));
  }
};
