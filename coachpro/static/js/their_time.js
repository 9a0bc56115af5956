// While the coach types a day and a time (in the practice's zone), say what time that is
// for the couple. Reads times the way the server does: "7pm", "19:00", "7:30 p.m.", "noon".
(function () {
  "use strict";
  var out = document.querySelector("[data-their-time]");
  if (!out || out.dataset.theirZone === out.dataset.practiceZone) return;
  var day = document.querySelector("input[name=day]");
  var time = document.querySelector("input[name=time]");
  if (!day || !time) return;

  function clock(text) {
    var t = text.trim().toLowerCase().replace(/\s+/g, " ");
    if (t === "noon" || t === "midday") return [12, 0];
    if (t === "midnight") return [0, 0];
    var m = /^(\d{1,2})(?:[:.h]?(\d{2}))?\s*([ap])?\.?\s*(?:m\.?)?$/.exec(t);
    if (!m) return null;
    var h = +m[1], min = +(m[2] || 0);
    if (m[3]) { if (h < 1 || h > 12) return null; h = h % 12 + (m[3] === "p" ? 12 : 0); }
    return h > 23 || min > 59 ? null : [h, min];
  }

  // Minutes a zone is ahead of UTC at an instant, from the browser's own time zone data.
  function offset(zone, ms) {
    var p = {};
    new Intl.DateTimeFormat("en-US", {timeZone: zone, hourCycle: "h23", year: "numeric",
      month: "numeric", day: "numeric", hour: "numeric", minute: "numeric"})
      .formatToParts(new Date(ms)).forEach(function (x) { p[x.type] = +x.value; });
    return (Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) - ms) / 60000;
  }

  function show() {
    var at = clock(time.value), parts = day.value.split("-");
    if (!at || parts.length !== 3) { out.textContent = ""; return; }
    var wall = Date.UTC(+parts[0], +parts[1] - 1, +parts[2], at[0], at[1]);
    var zone = out.dataset.practiceZone;
    var ms = wall - offset(zone, wall) * 60000;
    ms = wall - offset(zone, ms) * 60000;  // again, in case summer time starts in between
    var when = new Intl.DateTimeFormat(document.documentElement.dataset.locale || undefined, {
      timeZone: out.dataset.theirZone, weekday: "short", day: "numeric", month: "short",
      hour: "2-digit", minute: "2-digit", timeZoneName: "short"}).format(new Date(ms));
    out.textContent = window.uiText("their_time", {names: out.dataset.names, time: when});
  }

  day.addEventListener("input", show);
  time.addEventListener("input", show);
  show();
})();
