// Forms for people: after a failed submit the error summary takes focus, and
// switching language keeps what was typed (the switch is a plain link).
(function () {
  "use strict";
  var KEY = "eventdesk-typed:" + location.pathname;

  var summary = document.querySelector("[data-focus-on-load]");
  if (summary) summary.focus();

  function keepable(field) {
    var type = (field.type || "").toLowerCase();
    return field.name && field.name !== "csrf_token" && type !== "hidden" &&
      type !== "password" && type !== "file" && type !== "submit" &&
      !field.closest(".trap");
  }

  function typedValues() {
    var values = [];
    document.querySelectorAll("main form").forEach(function (form, index) {
      Array.prototype.forEach.call(form.elements, function (field) {
        if (!keepable(field)) return;
        var checkable = field.type === "checkbox" || field.type === "radio";
        values.push({form: index, name: field.name, value: field.value,
                     checked: checkable ? field.checked : null});
      });
    });
    return values;
  }

  function restore() {
    var saved;
    try { saved = JSON.parse(sessionStorage.getItem(KEY) || "null"); } catch (e) { saved = null; }
    sessionStorage.removeItem(KEY);
    if (!saved) return;
    var forms = document.querySelectorAll("main form");
    saved.forEach(function (item) {
      var form = forms[item.form];
      if (!form) return;
      Array.prototype.forEach.call(form.elements, function (field) {
        if (field.name !== item.name || !keepable(field)) return;
        if (item.checked === null) field.value = item.value;
        else if (field.value === item.value) field.checked = item.checked;
      });
    });
  }

  document.querySelectorAll(".language-switch a").forEach(function (link) {
    link.addEventListener("click", function () {
      try { sessionStorage.setItem(KEY, JSON.stringify(typedValues())); } catch (e) { /* private mode */ }
    });
  });
  restore();
}());
