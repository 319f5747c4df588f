// wagtail-localize's translation editor saves each string as it is typed, and says only "Server
// error" by the string for any answer but 200 or 201, whatever the answer gives as its reason.
// The site refuses a string that its field cannot hold with a 400 giving the reason and the
// string (psgsite/translated_strings.py); here the editor is handed that answer as it is handed
// a string saved with an error, so that it shows the reason by the string, marked as an error,
// with the string kept for the translator to shorten. Nothing was stored: the page, reloaded,
// shows the translation as it was.
(function () {
  "use strict";
  var saveString = /\/admin\/localize\/translate\/\d+\/strings\/\d+\/edit\/$/;
  var fetch = window.fetch;

  function refusal(response) {
    return response
      .clone()
      .json()
      .then(
        function (body) {
          if (!body || typeof body.error !== "string") {
            return response;
          }
          return new Response(JSON.stringify(body), {
            status: 200,
            headers: { "Content-Type": "application/json" },
          });
        },
        function () {
          return response;
        }
      );
  }

  window.fetch = function (url, options) {
    var answer = fetch.apply(this, arguments);
    if (typeof url !== "string" || !saveString.test(url) || !options || options.method !== "PUT") {
      return answer;
    }
    return answer.then(function (response) {
      return response.status === 400 ? refusal(response) : response;
    });
  };
})();
