// Optional enhancements for the search page; everything works without them.
// Loaded from a file (the CSP allows only script-src 'self'): no inline code.
(function () {
  "use strict";

  // As-you-type completions from GET /api/suggest, shown in the input's <datalist>.
  function setupSuggestions(input, list) {
    var timer = null;
    var pending = null;
    var last = "";
    input.addEventListener("input", function () {
      var q = input.value;
      if (timer) clearTimeout(timer);
      if (!q.trim() || q === last) return;
      timer = setTimeout(function () {
        last = q;
        if (pending) pending.abort();
        pending = new AbortController();
        fetch("/api/suggest?limit=8&q=" + encodeURIComponent(q.slice(0, 100)), { signal: pending.signal, headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
          .then(function (data) {
            if (input.value !== data.q) return; // typed on meanwhile
            list.replaceChildren.apply(list, (data.suggestions || []).map(function (s) {
              var opt = document.createElement("option");
              opt.value = s;
              return opt;
            }));
          })
          .catch(function () { /* offline or aborted: no completions, nothing breaks */ });
      }, 150);
    });
  }

  // "/" focuses the search box, as on many search sites (not while typing elsewhere).
  function setupSlashKey(input) {
    document.addEventListener("keydown", function (e) {
      var tag = (e.target && e.target.tagName) || "";
      if (e.key === "/" && !e.ctrlKey && !e.metaKey && !e.altKey && tag !== "INPUT" && tag !== "TEXTAREA" && tag !== "SELECT") {
        e.preventDefault();
        input.focus();
        input.select();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var input = document.getElementById("q");
    var list = document.getElementById("q-suggestions");
    if (!input) return;
    if (list && window.fetch && window.AbortController) setupSuggestions(input, list);
    setupSlashKey(input);
    document.documentElement.classList.add("js");
  });
})();
