// Related practices picked by title on the practice form: a search-as-you-type list (an ARIA
// combobox) answered by GET /search/titles, which adds the chosen practice's number to the
// numbers field. The numbers field stays and stays the truth: without this script it is the
// whole feature, with it the script only writes into it. Every text comes translated from the
// page (data-* attributes of the picker), and no element is built from HTML strings.
(function () {
  "use strict";

  var WAIT_MS = 250;  // a pause in typing before asking: one request per pause, not per key
  var MIN_CHARS = 2;

  function numbers(value) {
    return (value || "").split(/[,\s]+/).map(function (piece) {
      var found = /(?:\/practices\/)?(\d+)\/?$/.exec(piece);
      return found ? parseInt(found[1], 10) : null;
    }).filter(function (id) { return id !== null; });
  }

  function setup(picker) {
    var field = document.getElementById(picker.getAttribute("data-field"));
    var input = picker.querySelector("[role=combobox]");
    var list = picker.querySelector("[role=listbox]");
    var status = picker.querySelector("[data-status]");
    var chosen = document.querySelector("[data-related-chosen]");
    if (!field || !input || !list || !chosen) {
      return;
    }
    var endpoint = picker.getAttribute("data-endpoint");
    var exclude = parseInt(picker.getAttribute("data-exclude"), 10);
    var cache = {};
    var timer = null;
    var pending = null;
    var options = [];
    var active = -1;

    function text(name, values) {
      var template = picker.getAttribute("data-" + name) || "";
      return template.replace(/\{(\w+)\}/g, function (match, key) {
        return key in values ? String(values[key]) : match;
      });
    }

    function say(message) {
      status.textContent = message;
    }

    function close() {
      list.hidden = true;
      list.replaceChildren();
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      options = [];
      active = -1;
    }

    function highlight(index) {
      options.forEach(function (option, i) {
        option.element.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].element.id);
        options[index].element.scrollIntoView({block: "nearest"});
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function show(results) {
      var taken = numbers(field.value);
      close();
      results.filter(function (r) {
        return r.id !== exclude && taken.indexOf(r.id) < 0;
      }).forEach(function (result, i) {
        var element = document.createElement("li");
        element.id = "related-option-" + i;
        element.setAttribute("role", "option");
        element.setAttribute("aria-selected", "false");
        element.className = "related-option";
        element.textContent = result.title + " (" + text("number", {id: result.id}) + ")";
        // mousedown would blur the input (and close the list) before the click lands.
        element.addEventListener("mousedown", function (event) { event.preventDefault(); });
        element.addEventListener("click", function () { pick(result); });
        list.appendChild(element);
        options.push({element: element, result: result});
      });
      if (options.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        say(options.length === 1 ? text("found-one", {n: 1})
          : text("found-many", {n: options.length}));
      } else {
        say(text("none", {}));
      }
    }

    function ask(query) {
      if (cache[query]) {
        show(cache[query]);
        return;
      }
      if (pending) {
        pending.abort();
      }
      pending = new AbortController();
      fetch(endpoint + "&q=" + encodeURIComponent(query),
            {credentials: "same-origin", headers: {Accept: "application/json"},
             signal: pending.signal})
        .then(function (response) { return response.ok ? response.json() : {results: []}; })
        .then(function (data) {
          cache[query] = data.results || [];
          if (input.value.trim() === query) {
            show(cache[query]);
          }
        })
        .catch(function () { /* aborted or offline: the numbers field still works */ });
    }

    function chip(id, title) {
      var item = document.createElement("li");
      item.setAttribute("data-id", String(id));
      var name = document.createElement("span");
      name.textContent = title;
      item.appendChild(name);
      var number = document.createElement("span");
      number.className = "text-muted";
      number.textContent = " (" + text("number", {id: id}) + ")";
      item.appendChild(number);
      addRemove(item, id, title);
      chosen.querySelector("ul").appendChild(item);
      chosen.hidden = false;
    }

    function addRemove(item, id, title) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-link btn-sm p-0 ms-1 align-baseline";
      button.textContent = "\u00d7";
      button.setAttribute("aria-label", text("remove", {title: title}));
      button.addEventListener("click", function () {
        field.value = numbers(field.value).filter(function (n) { return n !== id; }).join(", ");
        item.remove();
        chosen.hidden = !chosen.querySelector("li");
        say(text("removed", {title: title}));
        input.focus();
      });
      item.appendChild(button);
    }

    function pick(result) {
      var ids = numbers(field.value);
      if (ids.indexOf(result.id) < 0) {
        ids.push(result.id);
        field.value = ids.join(", ");
        chip(result.id, result.title);
      }
      input.value = "";
      close();
      say(text("added", {title: result.title}));
      input.focus();
    }

    input.addEventListener("input", function () {
      var query = input.value.trim();
      clearTimeout(timer);
      if (query.replace(/\W/g, "").length < MIN_CHARS) {
        close();
        return;
      }
      timer = setTimeout(function () { ask(query); }, WAIT_MS);
    });

    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && options.length) {
        event.preventDefault();
        highlight((active + 1) % options.length);
      } else if (event.key === "ArrowUp" && options.length) {
        event.preventDefault();
        highlight(active <= 0 ? options.length - 1 : active - 1);
      } else if (event.key === "Enter") {
        // Enter in the picker never sends the whole form.
        event.preventDefault();
        if (active >= 0) {
          pick(options[active].result);
        }
      } else if (event.key === "Escape") {
        close();
      }
    });

    input.addEventListener("blur", function () { setTimeout(close, 150); });

    // The practices listed by the page (already linked) get their remove button too.
    Array.prototype.forEach.call(chosen.querySelectorAll("li[data-id]"), function (item) {
      addRemove(item, parseInt(item.getAttribute("data-id"), 10),
                item.querySelector("span").textContent);
    });
    // Numbers removed by hand leave the list as well.
    field.addEventListener("change", function () {
      var ids = numbers(field.value);
      Array.prototype.forEach.call(chosen.querySelectorAll("li[data-id]"), function (item) {
        if (ids.indexOf(parseInt(item.getAttribute("data-id"), 10)) < 0) {
          item.remove();
        }
      });
      chosen.hidden = !chosen.querySelector("li");
    });

    picker.hidden = false;
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-related-picker]"), setup);
})();
