// Assigning an exercise: choosing one starts from its own defaults and shows what it asks;
// the weekday boxes appear only for a weekly cadence. Without script the page still works:
// the defaults are those of the exercise it opened with, and every field is shown.
(function () {
  "use strict";
  var exercise = document.querySelector("select[name=exercise]");
  var cadence = document.querySelector("select[name=cadence]");
  var weekdays = document.querySelector("[data-weekly-only]");
  if (!exercise || !cadence) return;

  function showWeekdays() {
    if (weekdays) weekdays.hidden = cadence.value !== "weekly";
  }

  exercise.addEventListener("change", function () {
    var chosen = exercise.options[exercise.selectedIndex];
    [["cadence", chosen.dataset.cadence], ["mode", chosen.dataset.mode],
     ["visibility", chosen.dataset.visibility]].forEach(function (pair) {
      var field = document.querySelector("select[name=" + pair[0] + "]");
      if (field && pair[1]) field.value = pair[1];
    });
    document.querySelectorAll("[data-preview-for]").forEach(function (preview) {
      preview.hidden = preview.dataset.previewFor !== exercise.value;
    });
    showWeekdays();
  });
  cadence.addEventListener("change", showWeekdays);
  showWeekdays();
})();
