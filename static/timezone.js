// The account page's time zone: when the person has not chosen one, offer the zone this
// browser reports (they still save the form themselves). Without script, the cohort's applies.
(function () {
  var select = document.getElementById("timezone");
  if (!select || select.value !== "" || !window.Intl) { return; }
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  for (var i = 0; i < select.options.length; i++) {
    if (select.options[i].value === zone) { select.value = zone; return; }
  }
}());
