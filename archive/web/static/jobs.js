// Progress of a background job: poll its JSON every second, update the bar and the line of text,
// and reload the page once the job has ended (the server then renders the results).
(function () {
  "use strict";
  var box = document.querySelector("[data-job-poll]");
  if (!box) { return; }
  var url = box.getAttribute("data-job-poll");
  var bar = box.querySelector("progress");
  var text = box.querySelector(".job-message");
  var state = box.querySelector(".job-state");
  function show(p) {
    if (state) { state.textContent = p.state_label; }
    if (text) { text.textContent = p.message || ""; }
    if (bar) {
      if (p.percent === null || p.percent === undefined) { bar.removeAttribute("value"); }
      else { bar.value = p.percent; }
    }
    if (p.finished || p.interrupted) { window.location.reload(); return; }
    window.setTimeout(poll, 1000);
  }
  function poll() {
    var req = new XMLHttpRequest();
    req.open("GET", url);
    req.setRequestHeader("Accept", "application/json");
    req.onload = function () {
      if (req.status === 200) { show(JSON.parse(req.responseText)); }
      else { window.setTimeout(poll, 3000); }
    };
    req.onerror = function () { window.setTimeout(poll, 3000); };
    req.send();
  }
  window.setTimeout(poll, 500);
}());
