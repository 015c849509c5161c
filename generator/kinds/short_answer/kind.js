/* short_answer: a text area. Answer: {"text": "..."}; marked by the teacher. */
KINDS.short_answer = {
  shape: function (ex, a) { return isObj(a) && typeof a.text === "string" ? [] : ['a short answer must be {"text": "..."}']; },
  get: function (box) { var t = box.querySelector("textarea").value; return t.trim() ? { text: t } : null; },
  set: function (box, a) { box.querySelector("textarea").value = a.text || ""; },
  show: function (box, a) { return el("p", { "class": "cf-pre", text: a.text }); }
};
