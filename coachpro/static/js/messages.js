// A thread that stays current while it is open: every 15 seconds, while the page is in
// view, ask for what arrived since the last message shown and add it to the list. Asking
// also tells CoachPro this person is reading (so no email is sent about what they see).
// Without script the page works the same; new messages show on the next load.
(function () {
  "use strict";
  var list = document.querySelector("[data-thread-news]");
  if (!list || !window.fetch) return;
  var status = document.querySelector("[data-thread-status]");
  var empty = document.querySelector("[data-thread-empty]");
  var busy = false;

  function check() {
    if (busy || document.visibilityState !== "visible") return;
    busy = true;
    var url = list.dataset.threadNews + "?after=" + encodeURIComponent(list.dataset.lastId || "0");
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (news) {
        if (!news || !news.count) return;
        var holder = document.createElement("ol");
        holder.innerHTML = news.html;  // the app's own escaped markup
        while (holder.firstElementChild) {
          var item = holder.firstElementChild;
          var old = document.getElementById(item.id);
          if (old) old.remove();
          list.appendChild(item);
        }
        list.dataset.lastId = String(news.last_id);
        if (empty) { empty.remove(); empty = null; }
        if (status) status.textContent = window.uiText("new_messages", { num: news.count });
      })
      .catch(function () {})
      .then(function () { busy = false; });
  }

  setInterval(check, 15000);
  document.addEventListener("visibilitychange", check);
})();
