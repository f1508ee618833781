// narratrace dashboard: the only script. Shows the explanation of a highlight in the side
// panel on hover, focus or click (keyboard users get the same as mouse users).
// Text goes in through textContent only, never as HTML.
(function () {
  "use strict";
  var panel = document.getElementById("explain");
  var body = document.getElementById("body");
  if (!panel || !body) { return; }
  // layer buttons: hide or show one kind of highlight
  Array.prototype.forEach.call(document.querySelectorAll("button[data-layer]"), function (button) {
    button.addEventListener("click", function () {
      var hidden = body.classList.toggle("hide-" + button.getAttribute("data-layer"));
      button.setAttribute("aria-pressed", hidden ? "false" : "true");
    });
  });
  var selected = null;
  function show(mark) {
    if (selected) { selected.classList.remove("selected"); }
    selected = mark;
    mark.classList.add("selected");
    panel.textContent = "";
    var quote = document.createElement("blockquote");
    quote.textContent = mark.textContent.length > 300 ? mark.textContent.slice(0, 300) + "…" : mark.textContent;
    panel.appendChild(quote);
    (mark.getAttribute("title") || "").split("\n").forEach(function (line) {
      var p = document.createElement("p");
      p.textContent = line;
      panel.appendChild(p);
    });
  }
  function onEvent(event) {
    var mark = event.target.closest ? event.target.closest("mark.hl") : null;
    if (mark) { show(mark); }
  }
  body.addEventListener("mouseover", onEvent);
  body.addEventListener("focusin", onEvent);
  body.addEventListener("click", onEvent);
})();
