// Buttons that copy a text (data-copy="#id") or print the page (data-print).
// Without JavaScript the text is still there to select, and the browser's own print works.
document.querySelectorAll("[data-copy]").forEach(function (button) {
  button.addEventListener("click", function () {
    var source = document.querySelector(button.getAttribute("data-copy"));
    var text = source.textContent.replace(/\s+/g, "");
    navigator.clipboard.writeText(text).then(function () {
      button.textContent = window.uiText("copied");
    }, function () {
      button.textContent = window.uiText("copy_failed");
    });
  });
});
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
