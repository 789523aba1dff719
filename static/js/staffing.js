// Quota allocation form (/bien-che/giao/): choosing the receiving agency reloads the page with
// ?co_quan=<id> so that the remaining balance of its parent is shown next to the form.
(function () {
  function bind() {
    var form = document.getElementById("allocation-form");
    if (!form || form.dataset.bound) return;
    form.dataset.bound = "1";
    var recv = form.querySelector("[name=receiving]");
    if (!recv) return;
    recv.addEventListener("change", function () {
      var url = new URL(window.location.href);
      url.searchParams.set("co_quan", recv.value);
      window.location.assign(url.toString());
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", bind);
  else bind();
})();
