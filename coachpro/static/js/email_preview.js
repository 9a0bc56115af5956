// The email editor's live preview: as the coach types, the server renders the wording with
// sample details (the same sandbox and checks as saving) and the preview follows.
// Without JavaScript the Preview button does the same with a page load.
(function () {
  var form = document.querySelector("form[data-preview-url]");
  if (!form) return;
  var subject = form.querySelector("[name=subject]");
  var body = form.querySelector("[name=body]");
  var token = form.querySelector("[name=csrf_token]");
  var shown = document.getElementById("preview-shown");
  var problem = document.getElementById("preview-problem");
  var timer = null;

  function show(answer) {
    if (answer.html !== undefined) {
      document.getElementById("preview-subject").textContent = answer.subject;
      // Built by the server from escaped text: paragraphs, line breaks and links only.
      document.getElementById("preview-body").innerHTML = answer.html;
      shown.hidden = false;
      problem.hidden = true;
    } else {
      var problems = answer.problems || {};
      problem.textContent = problems.body || problems.subject || window.uiText("preview_problem");
      shown.hidden = true;
      problem.hidden = false;
    }
  }

  function refresh() {
    fetch(form.getAttribute("data-preview-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token ? token.value : "" },
      body: JSON.stringify({ subject: subject.value, body: body.value }),
    }).then(function (response) { return response.json(); }).then(show, function () {});
  }

  [subject, body].forEach(function (field) {
    field.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 350);
    });
  });
})();
