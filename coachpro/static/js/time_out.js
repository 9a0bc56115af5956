// The time-out's countdown, from the end time the server set (a reload, or a phone that
// slept, shows the right time left). Says so, once, when the time is up.
(function () {
  "use strict";
  var root = document.querySelector("[data-time-out-ends]");
  if (!root) return;
  var ends = Date.parse(root.dataset.timeOutEnds);
  var display = root.querySelector("[data-time-out-remaining]");
  var said = root.querySelector("[data-time-out-status]");
  var timer = null;

  function show() {
    var left = Math.max(0, Math.ceil((ends - Date.now()) / 1000));
    display.textContent = String(Math.floor(left / 60)).padStart(2, "0") + ":" + String(left % 60).padStart(2, "0");
    if (left === 0) {
      clearInterval(timer);
      said.textContent = window.uiText("time_out_done");
    }
  }
  show();
  timer = setInterval(show, 1000);
})();
