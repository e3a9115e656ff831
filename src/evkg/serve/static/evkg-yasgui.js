// The query page of evkg serve: YASGUI (bundled, static/yasgui/) on this endpoint.
// Nothing is fetched from another host: the autocompleters that ask Linked Open Vocabularies are off,
// and the page's Content-Security-Policy allows connections to this site only.
(function () {
  "use strict";
  var host = document.getElementById("yasgui");
  if (!host || typeof Yasgui === "undefined") {
    return;
  }
  var endpoint = new URL(host.getAttribute("data-endpoint"), window.location.href).href;
  Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables"];
  Yasgui.Yasqe.defaults.value = host.getAttribute("data-query") || "";
  var yasgui = new Yasgui(host, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    persistenceId: null,
    endpointCatalogueOptions: {
      getData: function () {
        return [{ endpoint: endpoint }];
      },
    },
  });
  window.evkgYasgui = yasgui;
  var examples = {};
  try {
    JSON.parse(document.getElementById("evkg-examples").textContent).forEach(function (e) {
      examples[e.name] = e.query;
    });
  } catch (err) {
    examples = {};
  }
  // the examples are listed below this script: listen on the document
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a.load-example") : null;
    if (!link) {
      return;
    }
    var text = examples[link.getAttribute("data-example")];
    if (text === undefined) {
      return;
    }
    event.preventDefault();
    yasgui.getTab().getYasqe().setValue(text);
    host.scrollIntoView();
  });
})();
