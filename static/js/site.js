// Site behaviour without inline script (the Content-Security-Policy forbids it).
// Bootstrap Italia's components start from static/js/components.js.
(function () {
  "use strict";

  // <form data-confirm="Are you sure?">: ask before a destructive submit.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
})();
