// The query page: YASGUI on this server's endpoint, one tab per README example query.
// Autocompletion of properties and classes comes from the store itself (no outside service).
"use strict";

const ENDPOINT = "/sparql";

async function termsOf(query) {
  const response = await fetch(ENDPOINT, {
    method: "POST",
    headers: { "Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json" },
    body: query,
  });
  if (!response.ok) return [];
  const data = await response.json();
  return data.results.bindings.map((row) => row.t.value);
}

function localCompleter(base, name, query) {
  Yasgui.Yasqe.forkAutocompleter(base, { name: name, bulk: true, persistenceId: null,
                                          get: () => termsOf(query) }, false);
}

localCompleter("property", "kgingest-property", "SELECT DISTINCT ?t WHERE { ?s ?t ?o } ORDER BY ?t LIMIT 2000");
localCompleter("class", "kgingest-class", "SELECT DISTINCT ?t WHERE { ?s a ?t } ORDER BY ?t LIMIT 2000");
Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables", "kgingest-property", "kgingest-class"];

async function start() {
  const examples = await (await fetch("/examples.json")).json();
  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: ENDPOINT, method: "POST" },
    copyEndpointOnNewTab: true,
    persistenceId: null,          // a fresh page shows the examples, not yesterday's tabs
    populateFromUrl: true,        // links made with YASGUI's share button still open
    endpointCatalogueOptions: { getData: () => [{ endpoint: ENDPOINT }] },
  });
  const first = yasgui.getTab();  // the tab YASGUI opens by itself takes the first example
  first.setName(examples[0].title);
  first.setQuery(examples[0].query);
  for (const example of examples.slice(1)) {  // tabs not shown yet have no editor: pass the query in
    yasgui.addTab(false, { name: example.title, yasqe: { value: example.query } });
  }
  window.kgingestYasgui = yasgui;  // for the browser test and the curious
}

start();
