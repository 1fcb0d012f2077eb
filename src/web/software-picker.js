// Fills the software part of the recommendation form when staff pick a software the catalogue
// already knows: its address, repository and licence come from the suggestion's data
// attributes (the `known-software` datalist the page carries). Only empty fields, or fields
// this script filled itself from an earlier pick, are written: what staff typed stays. The
// server completes the same fields on save, so the form works without this script too.
(function () {
  "use strict";
  var name = document.getElementById("software_name");
  var list = document.getElementById("known-software");
  if (!name || !list) return;
  var targets = [
    ["software_homepage", "homepage"],
    ["software_repository", "repository"],
    ["software_license", "license"],
  ];
  var status = document.getElementById("software-picked");
  function known(value) {
    var wanted = value.trim().toLowerCase();
    if (!wanted) return null;
    for (var i = 0; i < list.options.length; i++) {
      if (list.options[i].value.trim().toLowerCase() === wanted) return list.options[i];
    }
    return null;
  }
  function fill() {
    var option = known(name.value);
    if (!option) return;
    var filled = 0;
    targets.forEach(function (t) {
      var field = document.getElementById(t[0]);
      var value = option.dataset[t[1]] || "";
      if (!field || !value) return;
      if (field.value === "" || field.dataset.picked === field.value) {
        field.value = value;
        field.dataset.picked = value;
        filled++;
      }
    });
    if (status && filled > 0) status.textContent = status.dataset.message;
  }
  name.addEventListener("change", fill);
  name.addEventListener("input", function () {
    // A suggestion chosen from the list arrives as one input event with the whole name.
    if (known(name.value)) fill();
  });
})();
