// A copy button: <button data-copy="id-of-a-field" data-copied="Copied" data-status="id">.
// Without script the field is still there to select (it is read-only, not hidden).
(function () {
  "use strict";
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = document.getElementById(button.getAttribute("data-status"));
    button.addEventListener("click", function () {
      var done = function () { status.textContent = button.getAttribute("data-copied"); };
      var fallback = function () { field.select(); document.execCommand("copy"); done(); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, fallback);
      } else {
        fallback();
      }
    });
  });
})();
