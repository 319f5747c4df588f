// The admin's date-time pickers (jQuery's xdsoft datetimepicker, which Wagtail sets up with an
// inline script for each field) offer times by the five minutes rather than whole hours, and
// leave a mistyped value as it was typed, for the form to refuse with a message: by default the
// picker replaced a value it could not read with the present time, without a word.
(function () {
  "use strict";
  var options = { step: 5, validateOnBlur: false };

  function configure() {
    var $ = window.jQuery;
    if (!$ || !$.fn || !$.fn.datetimepicker) {
      return;
    }
    // Pickers made later (a date-time inside a new StreamField block) start with these.
    $.extend($.fn.datetimepicker.defaults, options);
    $("input").each(function () {
      if ($(this).data("xdsoft_datetimepicker")) {
        $(this).datetimepicker(options);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", configure);
  } else {
    configure();
  }
})();
