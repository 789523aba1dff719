// The organization picker (core.forms.OrgPicker): the search box asks the server for matching
// organizations (htmx); choosing one fills the hidden input and fires "change" so the form reacts
// (the member list filters reload). Several organizations: each choice is a removable chip.
(function () {
  "use strict";

  function close(picker) {
    var list = picker.querySelector(".org-picker-list");
    if (list) { list.innerHTML = ""; }
    var text = picker.querySelector("input[type=search]");
    if (text) { text.setAttribute("aria-expanded", "false"); }
  }

  function changed(input) {
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  document.addEventListener("click", function (event) {
    var option = event.target.closest("[data-org-pick]");
    if (option) {
      var picker = option.closest(".org-picker");
      var text = picker.querySelector("input[type=search]");
      var name = picker.dataset.name;
      if (picker.dataset.multiple) {
        var chips = picker.querySelector(".org-picker-chips");
        if (!chips.querySelector("input[value='" + option.dataset.orgPick + "']")) {
          var chip = document.createElement("span");
          chip.className = "badge text-bg-light border org-picker-chip";
          chip.textContent = option.dataset.orgLabel;
          var hidden = document.createElement("input");
          hidden.type = "hidden"; hidden.name = name; hidden.value = option.dataset.orgPick;
          var remove = document.createElement("button");
          remove.type = "button"; remove.className = "btn-close btn-close-sm ms-1";
          remove.setAttribute("aria-label", "Bỏ " + option.dataset.orgLabel);
          remove.setAttribute("data-org-unpick", "");
          chip.appendChild(hidden); chip.appendChild(remove);
          chips.appendChild(chip);
          changed(hidden);
        }
        text.value = "";
      } else {
        var input = picker.querySelector("input[type=hidden][name='" + name + "']");
        input.value = option.dataset.orgPick;
        text.value = option.dataset.orgLabel;
        changed(input);
      }
      close(picker);
      return;
    }
    var unpick = event.target.closest("[data-org-unpick]");
    if (unpick) {
      var box = unpick.closest(".org-picker");
      unpick.closest(".org-picker-chip").remove();
      changed(box);
      return;
    }
    document.querySelectorAll(".org-picker").forEach(function (p) {
      if (!p.contains(event.target)) { close(p); }
    });
  });

  document.addEventListener("input", function (event) {
    var text = event.target;
    if (text.type !== "search" || !text.closest(".org-picker")) { return; }
    var picker = text.closest(".org-picker");
    text.setAttribute("aria-expanded", "true");
    if (!picker.dataset.multiple && text.value.trim() === "") {
      var input = picker.querySelector("input[type=hidden][name='" + picker.dataset.name + "']");
      if (input.value !== "") { input.value = ""; changed(input); }
    }
  });

  document.addEventListener("keydown", function (event) {
    var picker = event.target.closest && event.target.closest(".org-picker");
    if (!picker) { return; }
    if (event.key === "Escape") { close(picker); }
    if (event.key === "Enter" && event.target.type === "search") {
      // Enter in the box picks the first option instead of submitting the form.
      var first = picker.querySelector("[data-org-pick]");
      event.preventDefault();
      if (first) { first.click(); }
    }
    if (event.key === "ArrowDown") {
      var options = Array.from(picker.querySelectorAll("[data-org-pick]"));
      var i = options.indexOf(document.activeElement);
      if (options.length) { event.preventDefault(); options[Math.min(i + 1, options.length - 1)].focus(); }
    }
    if (event.key === "ArrowUp") {
      var opts = Array.from(picker.querySelectorAll("[data-org-pick]"));
      var j = opts.indexOf(document.activeElement);
      if (j > 0) { event.preventDefault(); opts[j - 1].focus(); }
      else if (j === 0) { event.preventDefault(); picker.querySelector("input[type=search]").focus(); }
    }
  });
})();
