// On every page: after a form comes back with problems, start from the list of them.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
})();
