/* Door badges: print a guest's badge after check-in (when the event asks for it) and from search. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("ci-config").textContent).badges;
  if (!config) { return; }
  var frame = null;

  function badgeUrl(id) {
    return config.url.replace(/\/0\.pdf$/, "/" + encodeURIComponent(id) + ".pdf");
  }

  // The PDF loads in a frame of its own, off screen, and its print dialog
  // opens from there; kiosk-printing browsers print it straight away.
  function printBadge(id) {
    if (!frame) {
      frame = document.createElement("iframe");
      frame.id = "ci-badge-frame";
      frame.title = config.label;
      frame.setAttribute("aria-hidden", "true");
      frame.tabIndex = -1;
      frame.style.position = "fixed";
      frame.style.right = "0";
      frame.style.bottom = "0";
      frame.style.width = "1px";
      frame.style.height = "1px";
      frame.style.border = "0";
      frame.style.opacity = "0";
      frame.addEventListener("load", function () {
        if (!frame.src || frame.src === "about:blank") { return; }
        try {
          frame.contentWindow.focus();
          frame.contentWindow.print();
        } catch (error) {
          window.open(frame.src, "_blank", "noopener");
        }
      });
      document.body.appendChild(frame);
    }
    frame.src = badgeUrl(id);
  }
  window.checkinBadges = { print: printBadge, url: badgeUrl };

  document.addEventListener("checkin:ok", function (event) {
    var person = event.detail || {};
    if (config.print_at_checkin && person.id) { printBadge(person.id); }
  });

  document.addEventListener("checkin:guest", function (event) {
    var guest = event.detail.guest;
    if (guest.status !== "confirmed") { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "ci-tool ci-badge";
    button.textContent = config.label;
    button.title = config.title.replace("{name}", guest.name);
    button.addEventListener("click", function () { printBadge(guest.id); });
    event.detail.item.appendChild(button);
  });
})();
