// Fill hidden time-zone fields (data-detect-time-zone) with this browser's IANA time zone, so a new
// account shows times in the learner's zone. Without JavaScript the field stays empty: UTC, labelled,
// changeable under Account > Time zone.
(function () {
  "use strict";
  var zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (e) {
    zone = "";
  }
  if (!zone) {
    return;
  }
  document.querySelectorAll("input[data-detect-time-zone]").forEach(function (input) {
    if (!input.value) {
      input.value = zone;
    }
  });
})();
