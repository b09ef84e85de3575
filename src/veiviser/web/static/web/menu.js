// The main menu's groups are <details> disclosures and work without this file. With it they
// behave like a menu bar: opening one closes the others, Escape closes the open one and puts
// the focus back on its button, and a click or focus outside the menu closes it.
(function () {
  "use strict";
  function groups() {
    return Array.prototype.slice.call(document.querySelectorAll("details[data-menu-group]"));
  }
  function closeAll(except) {
    groups().forEach(function (group) {
      if (group !== except) group.open = false;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    groups().forEach(function (group) {
      group.addEventListener("toggle", function () {
        if (group.open) closeAll(group);
      });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") return;
      var open = groups().filter(function (group) { return group.open; })[0];
      if (!open) return;
      open.open = false;
      open.querySelector("summary").focus();
    });
    document.addEventListener("click", function (event) {
      if (!event.target.closest || !event.target.closest("details[data-menu-group]")) closeAll(null);
    });
    document.addEventListener("focusin", function (event) {
      if (!event.target.closest || !event.target.closest("details[data-menu-group]")) closeAll(null);
    });
  });
})();
