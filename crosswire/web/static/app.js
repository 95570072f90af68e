// Citation markers: hover previews the cited sentence in the source panel, click/tap pins it.
// Without JavaScript the markers still work as #anchors (CSS :target shows the snippet).
(function () {
  "use strict";
  var panel = document.getElementById("panel");
  if (!panel) return;
  var pinned = null;

  function show(key, pin) {
    var snip = document.getElementById(key);
    if (!snip || !panel.contains(snip)) return;
    panel.querySelectorAll(".snippet.shown").forEach(function (el) { el.classList.remove("shown"); });
    document.querySelectorAll(".cite.active").forEach(function (el) { el.classList.remove("active"); });
    snip.classList.add("shown");
    panel.classList.add("has-shown", "open");
    document.querySelectorAll('.cite[data-snippet="' + key + '"]').forEach(function (el) { el.classList.add("active"); });
    if (pin) pinned = key;
    var mark = snip.querySelector("mark");
    if (mark && panel.scrollHeight > panel.clientHeight) mark.scrollIntoView({block: "nearest"});
  }

  document.addEventListener("click", function (ev) {
    var cite = ev.target.closest && ev.target.closest(".cite[data-snippet]");
    if (!cite) return;
    ev.preventDefault();
    show(cite.getAttribute("data-snippet"), true);
  });
  // Hover preview on devices with a real pointer; leaving restores the pinned citation.
  if (window.matchMedia && window.matchMedia("(hover: hover)").matches) {
    document.querySelectorAll(".cite[data-snippet]").forEach(function (cite) {
      cite.addEventListener("mouseenter", function () { show(cite.getAttribute("data-snippet"), false); });
      cite.addEventListener("mouseleave", function () { if (pinned) show(pinned, false); });
    });
  }
  panel.querySelector(".close").addEventListener("click", function () {
    panel.classList.remove("open");
    pinned = null;
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") panel.classList.remove("open");
  });
})();
