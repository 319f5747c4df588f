// The admin's date-time pickers (jQuery's xdsoft datetimepicker, which Wagtail sets up with an
// inline script for each field) offer times by the five minutes rather than whole hours, and
// leave a mistyped value as it was typed, for the form to refuse with a message: by default the
// picker rewrote a value when the field was left, a date it could not read as the present time
// and an impossible one (31/02) as another day (03/03), without a word.
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
        // The option only stops the picker adding its handler; take away the one it added.
        $(this).off("blur.xdsoft");
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", configure);
  } else {
    configure();
  }
})();
