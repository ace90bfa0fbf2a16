// Reload the dashboard figures every 15 seconds while the event runs.
(function () {
  "use strict";
  var box = document.getElementById("live");
  var url = box && box.dataset.liveUrl;
  if (!url) return;
  function refresh() {
    if (document.hidden) return;
    fetch(url, {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html) box.innerHTML = html; })
      .catch(function () { /* offline for a moment: try again next round */ });
  }
  setInterval(refresh, 15000);
  document.addEventListener("visibilitychange", refresh);
})();
