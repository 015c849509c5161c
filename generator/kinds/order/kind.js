/* order: up/down buttons on every item, and drag and drop. Answer: the item ids in the student's order.
 * Score (ANSWERS.md): every point when the order is the key, else points in proportion to the
 * items in their right place. */
KINDS.order = {
  score: function (ex, a) {
    var n = ex.key.filter(function (id, i) { return i < a.length && a[i] === id; }).length;
    return { points: points(ex.points, n, ex.key.length), n: n, of: ex.key.length };
  },
  shape: function (ex, a) {
    if (!isStrList(a)) return ["a order answer must be a list of item ids"];
    var bad = unknown(a, ex.items, "item");
    if (new Set(a).size !== a.length) bad.push("an id is listed twice");
    return bad;
  },
  list: function (box) { return box.querySelector("ol.cf-order"); },
  get: function (box) {
    if (box.dataset.cfTouched !== "true") return null;
    return $$(box, "ol.cf-order > li").map(function (li) { return li.dataset.item; });
  },
  set: function (box, a) {
    var ol = this.list(box);
    a.forEach(function (id) { var li = ol.querySelector('li[data-item="' + CSS.escape(id) + '"]'); if (li) ol.appendChild(li); });
    box.dataset.cfTouched = "true";
    this.refresh(box);
  },
  reset: function (box) {
    var ol = this.list(box);
    (box.cfOriginal || []).forEach(function (id) { ol.appendChild(ol.querySelector('li[data-item="' + CSS.escape(id) + '"]')); });
    box.dataset.cfTouched = "false";
    this.refresh(box);
  },
  refresh: function (box) {
    var items = $$(box, "ol.cf-order > li");
    items.forEach(function (li, i) {
      var label = text(li.querySelector(".cf-item-text")), at = { item: label, n: i + 1, of: items.length };
      li.querySelector(".cf-up").disabled = i === 0;
      li.querySelector(".cf-down").disabled = i === items.length - 1;
      li.querySelector(".cf-up").setAttribute("aria-label", t("Move up: %(item)s (now %(n)s of %(of)s)", at));
      li.querySelector(".cf-down").setAttribute("aria-label", t("Move down: %(item)s (now %(n)s of %(of)s)", at));
    });
  },
  setup: function (box, changed) {
    var self = this, ol = this.list(box), dragged = null;
    box.cfOriginal = $$(ol, "li").map(function (li) { return li.dataset.item; });
    var say = el("p", { "class": "cf-sr", "aria-live": "polite" });
    ol.parentNode.insertBefore(say, ol.nextSibling);
    $$(ol, "li").forEach(function (li) {
      li.draggable = true;
      var up = el("button", { type: "button", "class": "cf-move cf-up", text: "↑" });
      var down = el("button", { type: "button", "class": "cf-move cf-down", text: "↓" });
      li.insertBefore(el("span", { "class": "cf-movers" }, [up, down]), li.firstChild);
      function move(dir, btn) {
        var sib = dir < 0 ? li.previousElementSibling : li.nextElementSibling;
        if (!sib) return;
        ol.insertBefore(li, dir < 0 ? sib : sib.nextSibling);
        box.dataset.cfTouched = "true";
        self.refresh(box);
        var pos = $$(ol, "li").indexOf(li) + 1;
        say.textContent = t("%(item)s: now %(n)s of %(of)s.", { item: text(li.querySelector(".cf-item-text")), n: pos, of: ol.children.length });
        (btn.disabled ? (dir < 0 ? down : up) : btn).focus();
        changed();
      }
      up.addEventListener("click", function () { move(-1, up); });
      down.addEventListener("click", function () { move(1, down); });
      li.addEventListener("dragstart", function (e) {
        dragged = li; li.classList.add("cf-dragging");
        try { e.dataTransfer.setData("text/plain", li.dataset.item); e.dataTransfer.effectAllowed = "move"; } catch (x) { /* old browsers */ }
      });
      li.addEventListener("dragend", function () { li.classList.remove("cf-dragging"); dragged = null; });
      li.addEventListener("dragover", function (e) { if (dragged) e.preventDefault(); });
      li.addEventListener("drop", function (e) {
        if (!dragged || dragged === li) return;
        e.preventDefault();
        var r = li.getBoundingClientRect();
        ol.insertBefore(dragged, e.clientY > r.top + r.height / 2 ? li.nextSibling : li);
        box.dataset.cfTouched = "true";
        self.refresh(box);
        changed();
      });
    });
    ol.setAttribute("aria-describedby", box.id + "-orderhelp");
    ol.parentNode.insertBefore(el("p", { "class": "cf-hint", id: box.id + "-orderhelp",
      text: t("Use the ↑ and ↓ buttons (or drag the items) to change the order; the top is first.") }), ol);
    this.refresh(box);
  },
  check: function (box, key, a) {
    a = a || $$(box, "ol.cf-order > li").map(function (li) { return li.dataset.item; });
    var r = scoreOf(box, key, a), ok = r.n === r.of;
    return { ok: ok, head: ok ? t("Correct order.") : t("%(n)s of %(of)s in the right place. Try again.", { n: r.n, of: r.of }),
      body: ok && key.why ? [el("div", { html: key.why })] : [] };
  },
  show: function (box, a) {
    return el("ol", null, a.map(function (id) {
      return el("li", { text: text(box.querySelector('li[data-item="' + CSS.escape(id) + '"] .cf-item-text')) });
    }));
  }
};
