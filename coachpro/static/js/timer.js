// Silent eye contact: a calm two-minute timer. Only a finished timer logs the exercise.
(function () {
  "use strict";
  var root = document.querySelector("[data-timer-seconds]");
  var form = document.querySelector("form.js-timer-form");
  if (!root || !form) return;
  var seconds = parseInt(root.dataset.timerSeconds, 10);
  var display = root.querySelector("[data-timer-remaining]");
  var button = root.querySelector("[data-timer-start]");
  var tick = null;

  function show(remaining) {
    var s = Math.max(0, Math.ceil(remaining / 1000));
    display.textContent = String(Math.floor(s / 60)).padStart(2, "0") + ":" + String(s % 60).padStart(2, "0");
  }

  button.addEventListener("click", function () {
    var endAt = Date.now() + seconds * 1000;
    document.body.classList.add("timer-running");
    button.hidden = true;
    tick = setInterval(function () {
      var remaining = endAt - Date.now();
      show(remaining);
      if (remaining <= 0) {
        clearInterval(tick);
        document.body.classList.remove("timer-running");
        root.classList.add("timer-finished");
        form.submit();
      }
    }, 250);
  });
})();
