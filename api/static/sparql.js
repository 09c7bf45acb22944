// The SPARQL page's editor: YASGUI (vendored in /static/vendor/yasgui/) over this server's /sparql.
// Everything it needs comes from the page's <script id="sparql-config" type="application/json">
// block (the example queries and prefixes of api/sparql), so there is one source of truth.
// When YASGUI starts, the plain form (the fallback) is hidden.
(function () {
  "use strict";
  const el = document.getElementById("yasgui");
  if (!el || typeof window.Yasgui !== "function") return;  // the form stays
  const config = JSON.parse(document.getElementById("sparql-config").textContent);
  const examples = config.examples, prefixes = config.prefixes;
  const endpoint = new URL("/sparql", document.baseURI).href;  // the relative /sparql of this server
  const prefixBlock = Object.entries(prefixes).map(([p, iri]) => "PREFIX " + p + ": <" + iri + ">").join("\n");

  // a key that changes with the examples: stored tabs from older examples are not brought back
  function hash(text) {
    let h = 5381;
    for (let i = 0; i < text.length; i++) h = ((h * 33) ^ text.charCodeAt(i)) >>> 0;
    return h.toString(36);
  }
  const persistenceId = "cakg-sparql-" + hash(JSON.stringify(examples));

  // only the autocompleters that work offline: no LOV look-ups (class, property); the prefix
  // completer uses YASQE's bundled list (prefixCcApi stays null: prefix.cc is never asked)
  const completers = ["prefixes", "variables"];
  window.Yasgui.Yasqe.defaults.autocompleters = completers.slice();
  window.Yasgui.Yasr.defaults.prefixes = prefixes;

  // the server predefines PREFIXES: teach YASQE's SPARQL mode to start with them declared, so
  // cakg:, id:, rdfs: ... in an example are not marked "Prefix 'cakg' is not defined"
  const CodeMirror = Object.getPrototypeOf(window.Yasgui.Yasqe);
  const sparqlMode = CodeMirror && CodeMirror.modes && CodeMirror.modes.sparql11;
  if (sparqlMode && !sparqlMode.cakgPrefixes) {
    const withPrefixes = function (cmConfig, modeConfig) {
      const mode = sparqlMode(cmConfig, modeConfig), start = mode.startState;
      mode.startState = function () {
        const state = start.apply(this, arguments);
        state.prefixes = Object.assign({}, prefixes, state.prefixes);
        return state;
      };
      return mode;
    };
    withPrefixes.cakgPrefixes = true;
    CodeMirror.defineMode("sparql11", withPrefixes);
  }

  // shown before YASGUI starts: CodeMirror measures its box when it is made
  const fallback = document.getElementById("fallback");
  el.hidden = false;
  fallback.hidden = true;
  let yasgui;
  try {
    yasgui = start();
  } catch (err) {  // the plain form takes over again
    el.hidden = true;
    fallback.hidden = false;
    throw err;
  }
  window.cakg = Object.assign(window.cakg || {}, { yasgui: yasgui });

  function start() {
    const yasgui = new window.Yasgui(el, {
      persistenceId: persistenceId,
      autoAddOnInit: false,
      populateFromUrl: false,
      copyEndpointOnNewTab: false,
      requestConfig: { endpoint: endpoint, method: "POST" },
      endpointCatalogueOptions: { getData: () => [{ endpoint: endpoint }] },
      yasqe: { autocompleters: completers.slice(), prefixCcApi: null, value: prefixBlock + "\n\nSELECT * WHERE { ?s ?p ?o } LIMIT 10" },
      yasr: { prefixes: prefixes, openIriInNewWindow: false },
    });

    // one tab per example, with a stable id; missing ones (a fresh key) are added
    examples.forEach((ex, i) => {
      const id = "example-" + i;
      if (!yasgui.getTab(id)) {
        yasgui.addTab(i === 0, { id: id, name: ex.name, yasqe: { value: ex.query }, requestConfig: { endpoint: endpoint } });
      }
    });
    if (config.autorun && config.query) {  // /sparql?query=... opened in a browser: show and run it
      const tab = yasgui.addTab(true, { name: "Linked query", yasqe: { value: config.query },
                                        requestConfig: { endpoint: endpoint } });
      tab.show();
      tab.getYasqe().query();
  }
  if (!yasgui.getTab()) yasgui.selectTabId("example-0");
  return yasgui;
  }

  // result IRIs: only http(s) stay links (the cakg ids open this site's profiles); anything else
  // (javascript:, data: ..., or an <a> DOMPurify already stripped of its href) becomes text
  const ENTITY = /^https:\/\/w3id\.org\/cakg\/id\/(.+)$/;
  function fixLinks(root) {
    for (const a of root.querySelectorAll("a.iri")) {
      if (a.dataset.checked) continue;
      const href = a.getAttribute("href") || "";
      if (!/^https?:\/\//i.test(href)) {
        const span = document.createElement("span");
        span.className = "iri-text";
        span.textContent = a.textContent;
        a.replaceWith(span);
        continue;
      }
      const m = href.match(ENTITY);
      if (m) a.setAttribute("href", "/entities/" + m[1]);
      a.dataset.checked = "1";
    }
  }
  new MutationObserver(() => fixLinks(el)).observe(el, { childList: true, subtree: true });
  fixLinks(el);
})();
