// The reply box: live lint findings (a small POST to the pages' /lint, with the session's
// CSRF token) and a copy button. Without script the reply is still there to select.
(function () {
  "use strict";
  var box = document.getElementById("reply-text");
  if (!box) { return; }
  var out = document.getElementById("lint-findings");
  var copy = document.getElementById("copy-reply");
  var status = document.getElementById("copy-status");
  var timer = null;

  function show(findings) {
    out.textContent = "";
    if (!findings.length) {
      var none = document.createElement("p");
      none.textContent = out.getAttribute("data-none");
      out.appendChild(none);
      return;
    }
    var list = document.createElement("ul");
    findings.forEach(function (f) {
      var item = document.createElement("li");
      item.className = "finding";
      var quote = document.createElement("q");
      quote.textContent = f.excerpt;
      item.appendChild(quote);
      item.appendChild(document.createTextNode(" " + f.why + (f.better ? " → " + f.better : "")));
      list.appendChild(item);
    });
    out.appendChild(list);
  }

  function lint() {
    fetch(box.getAttribute("data-lint"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": box.getAttribute("data-csrf") },
      body: JSON.stringify({
        text: box.value,
        language: box.getAttribute("data-language"),
        client_name: box.getAttribute("data-client") || null
      })
    }).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data && data.findings) { show(data.findings); } })
      .catch(function () { /* offline: the checks wait for the next edit */ });
  }

  box.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(lint, 300);
  });
  copy.addEventListener("click", function () {
    var done = function () { status.textContent = copy.getAttribute("data-copied"); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(box.value).then(done, function () { box.select(); document.execCommand("copy"); done(); });
    } else {
      box.select(); document.execCommand("copy"); done();
    }
  });
  lint();
})();
