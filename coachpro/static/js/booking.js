// Booking page helpers: use the visitor's own time zone, and switch zones without a button.
(function () {
  "use strict";
  var form = document.querySelector("form.zone-form");
  if (!form) return;
  document.documentElement.classList.add("js");
  var select = form.querySelector("select[name=tz]");
  if (select) {
    // A click or tap on a zone shows its times at once; with the keyboard, arrowing through
    // the list must not reload the page at every step (Enter or "Show times" does).
    var byKeyboard = false;
    select.addEventListener("keydown", function () { byKeyboard = true; });
    select.addEventListener("pointerdown", function () { byKeyboard = false; });
    select.addEventListener("change", function () { if (!byKeyboard) form.submit(); });
  }
  if (form.dataset.zoneGuessed !== "true") return;
  var detected;
  try {
    detected = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (e) {
    return;
  }
  if (detected && detected !== form.dataset.zone) {
    var url = new URL(window.location.href);
    url.searchParams.set("tz", detected);
    window.location.replace(url.toString());
  }
})();
