// Offers the browser's time zone where a page asks for one. Progressive enhancement only:
// without JavaScript, a person who never chose a time zone sees their cohort's.
(function () {
  "use strict";
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  if (!zone) {
    return;
  }
  document.querySelectorAll("input[data-browser-timezone]").forEach(function (input) {
    input.value = zone;
  });
  document.querySelectorAll("select[data-browser-timezone]").forEach(function (select) {
    var offered = Array.prototype.some.call(select.options, function (option) {
      return option.value === zone;
    });
    if (select.value === "" && offered) {
      select.value = zone;
    }
  });
})();
