/* Draws the network views of cakg with vis-network (served from this server).
 *
 * Each element with a data-network attribute names a <script type="application/json"> block
 * holding {nodes, edges, options, meta} (built with pyvis on the server). Names and tooltips are
 * put into the canvas or into text nodes, never parsed as HTML. On the network page the controls
 * (time slider, kinds, relation types, depth) fetch /views/network.json with the new filters,
 * redraw, and keep the filters in the URL.
 *
 * For tests and benchmarks: window.cakg.views[containerId] = {network, nodes, edges, meta,
 * version}; the container's data-drawn attribute is set to the data version once it is drawn.
 */
(function () {
  "use strict";
  var cakg = (window.cakg = window.cakg || { views: {} });

  function textTip(text) {
    var div = document.createElement("div");
    div.className = "tip";
    div.textContent = String(text); // plain text: never HTML
    return div;
  }

  function prepare(items) {
    return items.map(function (item) {
      var copy = Object.assign({}, item);
      if (typeof copy.title === "string") copy.title = textTip(copy.title);
      return copy;
    });
  }

  function profileUrl(id) {
    return "/entities/" + encodeURIComponent(id);
  }

  function draw(container, data) {
    var view = cakg.views[container.id];
    var nodes = new vis.DataSet(prepare(data.nodes));
    var edges = new vis.DataSet(prepare(data.edges));
    var version = view ? view.version + 1 : 1;
    container.dataset.version = String(version);
    if (!view) {
      var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
      view = cakg.views[container.id] = { network: network, version: version };
      network.on("click", function (params) {
        if (!params.nodes || !params.nodes.length) return;
        var id = params.nodes[0];
        if (isGroup(network, id)) { openCluster(container, id); return; } // a group: open it
        if (performance.now() - (view.openedAt || 0) < 600) return; // the second click of a double click on a group
        window.location.href = profileUrl(id);
      });
      network.on("hoverNode", function () { container.style.cursor = "pointer"; });
      network.on("blurNode", function () { container.style.cursor = "default"; });
      network.on("afterDrawing", function () {
        if (container.dataset.drawn !== String(view.version)) {
          container.dataset.drawn = String(view.version);
          if (!cakg.firstDrawnAt) cakg.firstDrawnAt = performance.now();
        }
      });
    } else {
      view.version = version;
      view.network.setOptions(data.options);
      view.network.setData({ nodes: nodes, edges: edges });
    }
    view.nodes = nodes;
    view.edges = edges;
    view.meta = data.meta;
    return view;
  }

  /* ------------------------------------------------------------------ clusters of places and events */

  function clusterId(kind) { return "cluster:" + kind; }

  function isGroup(net, id) { // vis-network's isCluster logs an error for an id it does not know
    return net.body.nodes[id] !== undefined && net.isCluster(id);
  }

  /* Group the nodes of each kind named in meta.clusters (places, events) into one node per kind,
   * or open every group again. A kind with fewer than two nodes in the view stays as it is. */
  function setClusters(container, on) {
    var view = cakg.views[container.id];
    if (!view) return;
    var net = view.network;
    var colours = {};
    (view.meta.kinds || []).forEach(function (k) { colours[k.name] = k.color; });
    (view.meta.clusters || []).forEach(function (c) {
      var id = clusterId(c.kind);
      if (!on) { if (isGroup(net, id)) net.openCluster(id); return; }
      if (isGroup(net, id)) return;
      var members = view.nodes.get({ filter: function (n) { return n.kind === c.kind; } });
      if (members.length < 2) return;
      var names = members.map(function (n) { return String(n.label); }).sort();
      net.cluster({
        joinCondition: function (options) { return options.kind === c.kind; },
        clusterNodeProperties: {
          id: id, kind: "cluster", label: c.label + " (" + members.length + ")", shape: "box",
          color: colours[c.kind] || "#888888", font: { color: "#ffffff" }, borderWidth: 2,
          title: textTip(members.length + " " + c.label + ": " + names.join(", ") + "\nclick to open the group"),
        },
      });
    });
    container.dataset.clusters = String(net.body.nodeIndices.filter(function (n) { return isGroup(net, n); }).length);
  }

  function openCluster(container, id) {
    var view = cakg.views[container.id];
    view.network.openCluster(id);
    view.openedAt = performance.now();
    var left = view.network.body.nodeIndices.filter(function (n) { return isGroup(view.network, n); }).length;
    container.dataset.clusters = String(left);
    var box = document.getElementById("cluster-kinds");
    if (box && !left) box.checked = false; // every group open again
  }

  function wireClusters(container) {
    var box = document.getElementById("cluster-kinds");
    if (!box) return;
    box.addEventListener("change", function () { setClusters(container, box.checked); });
    if (box.checked) setClusters(container, true);
  }

  function readData(container) {
    var block = document.getElementById(container.dataset.network);
    return JSON.parse(block.textContent);
  }

  /* ------------------------------------------------------------------ controls (network page) */

  function checkedValues(selector) {
    var all = document.querySelectorAll(selector);
    var on = Array.prototype.filter.call(all, function (b) { return b.checked; })
      .map(function (b) { return b.value; });
    return on.length === all.length ? null : on; // null: every one ticked, no filter
  }

  function currentQuery(form) {
    var params = new URLSearchParams();
    var focus = form.querySelector("input[name=focus]");
    if (focus) {
      params.set("focus", focus.value);
      var depth = form.querySelector("#depth");
      params.set("depth", depth ? depth.value : "1");
    }
    var scope = form.querySelector("input[name=scope]");
    if (scope && !focus) params.set("scope", scope.value);
    var allDates = form.querySelector("#all-dates");
    var year = form.querySelector("#year");
    var range = form.querySelector("#range-mode");
    var yearTo = form.querySelector("#year-to");
    if (year && allDates && !allDates.checked) {
      if (range && range.checked && yearTo) { // a window: the ties of any date in it
        var a = Math.min(+year.value, +yearTo.value), b = Math.max(+year.value, +yearTo.value);
        params.set("from", String(a));
        params.set("to", String(b));
      } else {
        params.set("at", year.value);
      }
    }
    var types = checkedValues("input.rtype");
    if (types !== null) params.set("types", types.join(","));
    var kinds = checkedValues("input.kind");
    if (kinds !== null) params.set("kinds", kinds.join(","));
    return params.toString();
  }

  function setStatus(text) {
    var status = document.getElementById("status");
    if (status) status.textContent = text;
  }

  function wireControls(container, form) {
    var pending = null;
    var requestNo = 0;

    function refresh() {
      var query = currentQuery(form);
      var url = "/views/network" + (query ? "?" + query : "");
      window.history.replaceState(null, "", url);
      var jsonLink = document.getElementById("json-link");
      if (jsonLink) jsonLink.setAttribute("href", "/views/network.json" + (query ? "?" + query : ""));
      var mine = ++requestNo;
      container.dataset.loading = "1";
      fetch("/views/network.json" + (query ? "?" + query : ""), { headers: { Accept: "application/json" } })
        .then(function (r) {
          return r.json().then(function (body) { return { ok: r.ok, body: body }; });
        })
        .then(function (res) {
          if (mine !== requestNo) return; // a newer request is on its way
          delete container.dataset.loading;
          if (!res.ok) { setStatus("Error: " + (res.body.message || "could not load the view")); return; }
          draw(container, res.body);
          var grouping = document.getElementById("cluster-kinds");
          if (grouping && grouping.checked) setClusters(container, true);
          var m = res.body.meta;
          setStatus(m.node_count + " entities, " + m.edge_count + " relations" +
                    (m.filters.at ? " at " + m.filters.at : "") +
                    (m.filters.from || m.filters.to ? " from " + (m.filters.from || "…") + " to " + (m.filters.to || "…") : "") +
                    (m.physics ? "" : " (large view: fixed layout, physics off)"));
        })
        .catch(function (err) { delete container.dataset.loading; setStatus("Error: " + err); });
    }

    function soon() {
      if (pending) clearTimeout(pending);
      pending = setTimeout(function () { pending = null; refresh(); }, 120);
    }

    var year = form.querySelector("#year");
    var allDates = form.querySelector("#all-dates");
    var label = form.querySelector("#year-label");
    var range = form.querySelector("#range-mode");
    var yearTo = form.querySelector("#year-to");

    function showLabel() {
      if (!label) return;
      if (allDates && allDates.checked) label.textContent = "all dates";
      else if (range && range.checked && yearTo) {
        label.textContent = Math.min(+year.value, +yearTo.value) + "–" + Math.max(+year.value, +yearTo.value);
      } else label.textContent = year.value;
    }
    [year, yearTo].forEach(function (slider) {
      if (!slider) return;
      slider.addEventListener("input", function () {
        if (allDates) allDates.checked = false;
        showLabel();
        soon();
      });
    });
    if (allDates) allDates.addEventListener("change", function () { showLabel(); soon(); });
    if (range) {
      range.addEventListener("change", function () {
        if (yearTo) yearTo.hidden = !range.checked;
        if (allDates && range.checked) allDates.checked = false;
        showLabel();
        soon();
      });
    }
    form.querySelectorAll("input.rtype, input.kind, #depth").forEach(function (input) {
      input.addEventListener("change", soon);
    });
    [["types-all", true], ["types-none", false]].forEach(function (pair) {
      var button = document.getElementById(pair[0]);
      if (!button) return;
      button.addEventListener("click", function () {
        form.querySelectorAll("input.rtype").forEach(function (b) { b.checked = pair[1]; });
        markFamilies();
        soon();
      });
    });
    // the legend filters: a click on a relation family hides its types (or shows them again)
    function familyBoxes(family) {
      return Array.prototype.filter.call(form.querySelectorAll("input.rtype"),
        function (b) { return b.dataset.family === family; });
    }
    function markFamilies() {
      document.querySelectorAll("button.legend-family").forEach(function (button) {
        var boxes = familyBoxes(button.dataset.family);
        var hidden = boxes.length > 0 && boxes.every(function (b) { return !b.checked; });
        button.setAttribute("aria-pressed", hidden ? "true" : "false");
        button.classList.toggle("off", hidden);
      });
    }
    document.querySelectorAll("button.legend-family").forEach(function (button) {
      button.addEventListener("click", function () {
        var boxes = familyBoxes(button.dataset.family);
        var show = boxes.every(function (b) { return !b.checked; });
        boxes.forEach(function (b) { b.checked = show; });
        markFamilies();
        soon();
      });
    });
    form.querySelectorAll("input.rtype").forEach(function (b) { b.addEventListener("change", markFamilies); });
    markFamilies();
    form.addEventListener("submit", function (e) { e.preventDefault(); refresh(); });
  }

  /* ------------------------------------------------------------------ find a node in the view */

  function fold(text) { // accent- and case-insensitive comparison
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function wireFind(container) {
    var input = document.getElementById("find");
    var status = document.getElementById("find-status");
    if (!input) return;
    function find() {
      var view = cakg.views[container.id];
      var q = fold(input.value.trim());
      if (!q || !view) { status.textContent = ""; return; }
      var hit = null, byAlias = null, byTip = null; // a name first, then an alias, then the tooltip
      view.nodes.forEach(function (n) {
        if (!hit && fold(n.label || "").indexOf(q) !== -1) hit = n;
        if (!byAlias && (n.aliases || []).some(function (a) { return fold(a).indexOf(q) !== -1; })) byAlias = n;
        if (!byTip && fold(n.title && n.title.textContent || "").indexOf(q) !== -1) byTip = n;
      });
      hit = hit || byAlias || byTip;
      if (!hit) { status.textContent = "not in this view"; offerEgo(input.value.trim()); return; }
      status.textContent = String(hit.label);
      var path = view.network.findNode(hit.id); // inside a group: open the group first
      if (path.length > 1) openCluster(container, path[0]);
      view.network.selectNodes([hit.id]);
      view.network.focus(hit.id, { scale: 1.5, animation: false });
      container.dataset.found = String(hit.id);
    }
    function offerEgo(text) { // the whole graph's search: a link to the first match's ego network
      fetch("/entities?limit=1&q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (body) {
          var item = body.items && body.items[0];
          if (!item || fold(input.value.trim()) !== fold(text)) return;
          var a = document.createElement("a");
          a.id = "find-ego";
          a.href = "/views/network?focus=" + encodeURIComponent(item.id) + "&depth=1";
          a.textContent = "load the network around " + String(item.label || item.id);
          status.textContent = "not in this view: ";
          status.appendChild(a);
        })
        .catch(function () {});
    }
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter") { e.preventDefault(); find(); }
    });
    input.addEventListener("search", find);
  }

  /* ------------------------------------------------------------------ the side panel */

  function wirePanel() { // on a narrow screen the panel starts folded; its button opens and closes it
    var panel = document.getElementById("side-panel");
    var button = document.getElementById("panel-toggle");
    if (!panel || !button) return;
    function set(open) {
      panel.classList.toggle("collapsed", !open);
      button.setAttribute("aria-expanded", open ? "true" : "false");
    }
    set(!window.matchMedia("(max-width: 900px)").matches);
    button.addEventListener("click", function () { set(panel.classList.contains("collapsed")); });
  }

  function init() {
    document.querySelectorAll("[data-network]").forEach(function (container) {
      draw(container, readData(container));
    });
    var form = document.getElementById("controls");
    var main = document.getElementById("network");
    if (form && main) { wireControls(main, form); wireFind(main); wireClusters(main); wirePanel(); }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
