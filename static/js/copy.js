// Copy buttons: a button with data-copy="ID" copies the text of element ID.
// The buttons are hidden in the HTML and shown here, so without JavaScript
// (or without a clipboard) nobody sees a button that cannot work.
(function () {
  "use strict";
  if (!navigator.clipboard) return;
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.dataset.copy);
    if (!source) return;
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.textContent.trim()).then(function () {
        button.textContent = button.dataset.copied;
        setTimeout(function () { button.textContent = label; }, 2000);
      }, function () {
        button.textContent = button.dataset.failed;
      });
    });
  });
})();
