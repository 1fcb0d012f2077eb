// Suggestions under the search box, as one types: replaced products, software, categories.
//
// Progressive enhancement: without this file the box is a plain search field whose form
// submits to /search. With it, every `input[data-suggest]` becomes an ARIA 1.2 combobox with
// a listbox popup (the WAI-ARIA Authoring Practices' "editable combobox with list
// autocomplete"): Down and Up move through the suggestions, Enter opens the one chosen (or
// submits the search when none is), Escape closes the list then clears the box, a click opens
// a suggestion; a status message says how many there are. Texts come from the page (data-
// attributes, in the page's language); suggestions are inserted as text, never as HTML.
(function () {
  "use strict";

  var DELAY_MS = 120;

  function enhance(input, n) {
    var endpoint = input.getAttribute("data-suggest");
    var lang = input.getAttribute("data-suggest-lang") || "fr";
    var labels = {
      product: input.getAttribute("data-label-product") || "",
      software: input.getAttribute("data-label-software") || "",
      category: input.getAttribute("data-label-category") || "",
    };
    var available = input.getAttribute("data-label-available") || "";
    var listId = (input.id || "search") + "-suggestions";

    var wrap = document.createElement("span");
    wrap.className = "suggest";
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);

    var list = document.createElement("ul");
    list.id = listId;
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.getAttribute("data-label-listbox") || "");
    list.hidden = true;
    wrap.appendChild(list);

    var status = document.createElement("span");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    wrap.appendChild(status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("aria-expanded", "false");

    var items = [];
    var active = -1;
    var timer = null;
    var pending = null;
    var asked = 0;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function open() {
      if (items.length > 0) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      }
    }

    function choose(index) {
      var options = list.children;
      for (var i = 0; i < options.length; i++) {
        options[i].setAttribute("aria-selected", i === index ? "true" : "false");
      }
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function go(index) {
      var item = items[index];
      if (item && item.href.charAt(0) === "/") {
        close();
        window.location.assign(item.href);
      }
    }

    function show(found) {
      items = found;
      list.textContent = "";
      found.forEach(function (item, i) {
        var option = document.createElement("li");
        option.id = listId + "-" + n + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.className = "suggestion suggestion-" + item.kind;
        var label = document.createElement("span");
        label.className = "label";
        label.textContent = item.label;
        option.appendChild(label);
        var kind = document.createElement("span");
        kind.className = "kind";
        kind.textContent = labels[item.kind] || item.kind;
        option.appendChild(kind);
        option.addEventListener("mousedown", function (event) {
          // Before the box loses focus (which closes the list).
          event.preventDefault();
        });
        option.addEventListener("click", function () {
          go(i);
        });
        list.appendChild(option);
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (found.length > 0) {
        open();
        status.textContent = found.length + " " + available;
      } else {
        close();
        status.textContent = "";
      }
    }

    function ask() {
      var typed = input.value.trim();
      if (typed === "") {
        show([]);
        return;
      }
      if (pending) {
        pending.abort();
      }
      pending = new AbortController();
      var number = ++asked;
      var url = endpoint + "?q=" + encodeURIComponent(typed) + "&lang=" + encodeURIComponent(lang);
      fetch(url, { headers: { Accept: "application/json" }, signal: pending.signal })
        .then(function (response) {
          return response.ok ? response.json() : { suggestions: [] };
        })
        .then(function (body) {
          // An older answer arriving late never replaces a newer one.
          if (number === asked) {
            show(Array.isArray(body.suggestions) ? body.suggestions : []);
          }
        })
        .catch(function () {
          // Offline or aborted: the box still searches on Enter.
        });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, DELAY_MS);
    });

    input.addEventListener("keydown", function (event) {
      var count = items.length;
      switch (event.key) {
        case "ArrowDown":
          if (count === 0) {
            return;
          }
          event.preventDefault();
          open();
          choose(active + 1 >= count ? 0 : active + 1);
          break;
        case "ArrowUp":
          if (count === 0) {
            return;
          }
          event.preventDefault();
          open();
          choose(active - 1 < 0 ? count - 1 : active - 1);
          break;
        case "Enter":
          if (!list.hidden && active >= 0) {
            event.preventDefault();
            go(active);
          }
          break;
        case "Escape":
          if (!list.hidden) {
            event.preventDefault();
            close();
          } else if (input.value !== "") {
            event.preventDefault();
            input.value = "";
            show([]);
          }
          break;
        case "Tab":
          close();
          break;
        default:
          break;
      }
    });

    input.addEventListener("blur", function () {
      close();
    });
  }

  var boxes = document.querySelectorAll("input[data-suggest]");
  for (var i = 0; i < boxes.length; i++) {
    enhance(boxes[i], i);
  }
})();
