// "Quote" on a discussion page: put the post's quote in the reply box and focus it, without
// reloading. The link still works alone (it reloads the page with the quote filled in), so
// without JavaScript, or without a reply box, nothing is lost.
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.quote-link[data-quote]");
    var box = document.querySelector("#reply textarea[name='body']");
    if (!link || !box || event.ctrlKey || event.metaKey || event.shiftKey || event.button) {
      return;
    }
    event.preventDefault();
    var quote = link.getAttribute("data-quote");
    var before = box.value.replace(/\s+$/, "");
    box.value = (before ? before + "\n\n" : "") + quote;
    box.focus();
    box.setSelectionRange(box.value.length, box.value.length);
    box.scrollIntoView({block: "center"});
    box.dispatchEvent(new Event("input", {bubbles: true}));
  });
})();
