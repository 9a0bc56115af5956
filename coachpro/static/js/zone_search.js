// A search box for long time zone lists: type a city or a country, the list narrows to the
// places that match (shown open), and choosing one works as before. Without script the
// plain <select> stays, grouped by region.
(function () {
  "use strict";
  document.querySelectorAll("select[data-zone-search]").forEach(function (select) {
    var options = Array.prototype.slice.call(select.querySelectorAll("option"));
    var box = document.createElement("input");
    box.type = "search";
    box.id = select.id + "-search";
    box.className = "zone-search";
    box.setAttribute("autocomplete", "off");
    box.setAttribute("aria-controls", select.id);
    var label = document.createElement("label");
    label.htmlFor = box.id;
    label.className = "zone-search-label";
    label.textContent = window.uiText("zone_search");
    var status = document.createElement("span");
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite");
    // Search first, then the list it narrows (before the list's own label, when it has one).
    var own = select.id ? document.querySelector("label[for='" + select.id + "']") : null;
    var before = own && own.parentNode === select.parentNode ? own : select;
    select.parentNode.insertBefore(label, before);
    select.parentNode.insertBefore(box, before);
    select.parentNode.insertBefore(status, before);
    box.addEventListener("input", function () {
      var words = box.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      options.forEach(function (option) {
        var text = option.dataset.search || option.textContent.toLowerCase();
        var match = words.every(function (word) { return text.indexOf(word) !== -1; });
        option.hidden = !match;
        if (match) shown += 1;
      });
      select.querySelectorAll("optgroup").forEach(function (group) {
        group.hidden = !group.querySelector("option:not([hidden])");
      });
      // While searching, the matches are a short open list to choose from.
      select.size = words.length && shown ? Math.max(2, Math.min(8, shown + 1)) : 0;
      status.textContent = !words.length ? ""
        : shown === 0 ? window.uiText("zone_none")
        : shown === 1 ? window.uiText("zone_one") : window.uiText("zone_many", {num: shown});
      status.className = words.length && !shown ? "hint" : "visually-hidden";
    });
  });
})();
