// Forms that post once: after the first submit of a form (method="post"), its submit buttons are
// disabled and further submits are ignored until the page changes (forms that download a file
// opt out with data-allow-resubmit). The server side is the
// real guard (core/once.py: one-time form token); this only spares a second request.
(function () {
  "use strict";
  // A form with data-confirm asks first (the CSP blocks inline onsubmit handlers); registered in
  // the capture phase, so a cancelled submit never reaches the once-only guard below.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || (form.method || "").toLowerCase() !== "post") return;
    if (form.hasAttribute("hx-post") || form.dataset.allowResubmit !== undefined) return;
    if (form.dataset.submitting === "1") {
      event.preventDefault();
      return;
    }
    form.dataset.submitting = "1";
    // Disabled after the browser has taken the form's data (the clicked button's value included).
    window.setTimeout(function () {
      form.querySelectorAll('button[type="submit"], button:not([type]), input[type="submit"]').forEach(function (b) {
        b.disabled = true;
        b.setAttribute("aria-busy", "true");
      });
    }, 0);
  }, true);
  // Back/forward cache: a page shown again must be usable again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll('form[data-submitting="1"]').forEach(function (form) {
      delete form.dataset.submitting;
      form.querySelectorAll("[aria-busy]").forEach(function (b) {
        b.disabled = false;
        b.removeAttribute("aria-busy");
      });
    });
  });
})();
