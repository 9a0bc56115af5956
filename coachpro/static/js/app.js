// On every page: after a form comes back with problems, start from the list of them.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
})();

// What scripts say, in the reader's language: base.html writes the words as JSON
// (#ui-text); uiText("key", {name: value}) fills their %(name)s placeholders.
window.uiText = (function () {
  "use strict";
  var words = {};
  var source = document.getElementById("ui-text");
  try { words = JSON.parse(source ? source.textContent : "{}"); } catch (e) { words = {}; }
  return function (key, values) {
    var text = words[key] || key;
    return text.replace(/%\((\w+)\)s/g, function (all, name) {
      return values && name in values ? String(values[name]) : all;
    });
  };
})();
