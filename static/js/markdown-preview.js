// Live preview of an event description: the server renders the Markdown with
// the same sanitiser as the event page (markdown + nh3), so what is shown here
// is exactly what guests will see, and only sanitised HTML reaches innerHTML.
(function () {
  "use strict";
  var token = document.querySelector("input[name=csrf_token]");
  document.querySelectorAll("[data-preview-for]").forEach(function (pane) {
    var field = document.getElementById(pane.dataset.previewFor);
    var body = pane.querySelector(".md-body");
    if (!field || !body) return;
    var timer = null;
    var asked = 0;
    function refresh() {
      var data = new FormData();
      data.append("text", field.value);
      if (token) data.append("csrf_token", token.value);
      var number = ++asked;
      fetch(pane.dataset.previewUrl, {method: "POST", body: data, credentials: "same-origin"})
        .then(function (response) { return response.ok ? response.text() : Promise.reject(); })
        .then(function (html) {
          if (number !== asked) return;  // an older answer arriving late
          body.innerHTML = html || "";
          pane.classList.toggle("md-empty", !html.trim());
        })
        .catch(function () { body.textContent = pane.dataset.failed; });
    }
    field.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 300);
    });
    pane.hidden = false;
    refresh();
  });
})();
