// Silent eye contact: a calm timer the couple starts. While it runs the screen stays awake
// (where the browser allows), Start gives way to Stop, and nothing is logged. When it ends, a
// soft chime and a short buzz say so, and only then is the reflection asked for: the couple
// logs it themselves. Stopping early logs nothing.
(function () {
  "use strict";
  var root = document.querySelector("[data-timer-seconds]");
  var form = document.querySelector("form.js-timer-form");
  if (!root || !form) return;
  var seconds = parseInt(root.dataset.timerSeconds, 10);
  var display = root.querySelector("[data-timer-remaining]");
  var start = root.querySelector("[data-timer-start]");
  var stop = root.querySelector("[data-timer-stop]");
  var said = root.querySelector("[data-timer-status]");
  var tick = null, lock = null, audio = null;

  form.hidden = true;  // asked after the timer ends
  stop.hidden = true;

  function show(remaining) {
    var s = Math.max(0, Math.ceil(remaining / 1000));
    display.textContent = String(Math.floor(s / 60)).padStart(2, "0") + ":" + String(s % 60).padStart(2, "0");
  }

  function keepAwake() {
    if (!("wakeLock" in navigator)) return;
    navigator.wakeLock.request("screen").then(function (l) { lock = l; }, function () {});
  }
  function letSleep() {
    if (lock) { lock.release().catch(function () {}); lock = null; }
  }
  // The browser drops the lock when the page is hidden; take it again on return.
  document.addEventListener("visibilitychange", function () {
    if (tick && document.visibilityState === "visible") keepAwake();
  });

  function chime() {
    // Two soft bells, fading out. Allowed: the person pressed Start, so sound may play.
    if (!audio) return;
    [[660, 0], [880, 0.35]].forEach(function (pair) {
      var osc = audio.createOscillator(), gain = audio.createGain(), at = audio.currentTime + pair[1];
      osc.type = "sine";
      osc.frequency.value = pair[0];
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.2, at + 0.03);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 1.6);
      osc.connect(gain).connect(audio.destination);
      osc.start(at);
      osc.stop(at + 1.7);
    });
  }

  function reset() {
    clearInterval(tick);
    tick = null;
    letSleep();
    document.body.classList.remove("timer-running");
    start.hidden = false;
    stop.hidden = true;
  }

  start.addEventListener("click", function () {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (Context && !audio) { try { audio = new Context(); } catch (e) { audio = null; } }
    var endAt = Date.now() + seconds * 1000;
    document.body.classList.add("timer-running");
    start.hidden = true;
    stop.hidden = false;
    stop.focus();
    said.textContent = window.uiText("timer_running");
    keepAwake();
    show(endAt - Date.now());
    tick = setInterval(function () {
      var remaining = endAt - Date.now();
      show(remaining);
      if (remaining <= 0) {
        reset();
        start.hidden = true;  // done: the next step is the reflection
        root.classList.add("timer-finished");
        said.textContent = window.uiText("timer_done");
        chime();
        if (navigator.vibrate) navigator.vibrate([180, 120, 180]);
        form.hidden = false;
        var first = form.querySelector("textarea, input:not([type=hidden])");
        if (first) first.focus();
      }
    }, 250);
  });

  stop.addEventListener("click", function () {
    reset();
    show(seconds * 1000);
    said.textContent = window.uiText("timer_stopped");
    start.focus();
  });
})();
