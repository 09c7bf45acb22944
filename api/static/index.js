/* The index page's search box: asks GET /entities?q= (the search API) as you type and lists the
 * hits as links to their profiles. Names are set as text, never as HTML. Without JavaScript the
 * form still works (the server renders the results). */
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  var box = document.getElementById("search-box");
  var list = document.getElementById("search-results");
  if (!form || !box || !list) return;
  var pending = null;
  var requestNo = 0;

  function item(hit) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = "/entities/" + encodeURIComponent(hit.id);
    a.textContent = hit.label;
    li.appendChild(a);
    var kind = document.createElement("span");
    kind.className = "kind";
    kind.textContent = " " + hit.kind;
    li.appendChild(kind);
    if (hit.matched && hit.matched !== hit.label) {
      var m = document.createElement("span");
      m.className = "matched";
      m.textContent = " matched “" + hit.matched + "”";
      li.appendChild(m);
    }
    return li;
  }

  function show(items, message) {
    list.replaceChildren();
    if (message) {
      var li = document.createElement("li");
      li.className = "none";
      li.textContent = message;
      list.appendChild(li);
    }
    items.forEach(function (hit) { list.appendChild(item(hit)); });
    list.dataset.query = box.value;
  }

  function search() {
    var q = box.value.trim();
    var mine = ++requestNo;
    if (!q) { show([]); return; }
    fetch("/entities?q=" + encodeURIComponent(q) + "&limit=10", { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json().then(function (b) { return { ok: r.ok, body: b }; }); })
      .then(function (res) {
        if (mine !== requestNo) return;
        if (!res.ok) { show([], res.body.message || "Search failed."); return; }
        show(res.body.items, res.body.items.length ? "" : "Nothing found.");
      })
      .catch(function (err) { if (mine === requestNo) show([], "Search failed: " + err); });
  }

  box.addEventListener("input", function () {
    if (pending) clearTimeout(pending);
    pending = setTimeout(search, 150);
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    window.history.replaceState(null, "", "/?q=" + encodeURIComponent(box.value));
    search();
  });
})();
