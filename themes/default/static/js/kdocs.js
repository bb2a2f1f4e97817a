// kdocs page script: draws the Mermaid diagrams of the page, then signals that they are done,
// so that `kdocs pdf` (and anything else that waits) knows when the page is complete:
//   window.kdocsDiagramsDone === true  and  <html data-diagrams="done">
// The signal is raised whether the diagrams drew or failed, and at once on pages without any.
(function () {
  "use strict";
  var root = document.documentElement;

  function done() {
    window.kdocsDiagramsDone = true;
    root.setAttribute("data-diagrams", "done");
  }

  var nodes = document.querySelectorAll("pre.mermaid");
  if (nodes.length === 0 || typeof window.mermaid === "undefined") {
    done();
    return;
  }

  // The print view always uses the light theme (paper is white); screens follow the reader.
  var print = root.classList.contains("print-view");
  var dark = !print && window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;

  try {
    window.mermaid.initialize({
      startOnLoad: false,
      securityLevel: "strict",
      theme: dark ? "dark" : "default",
      flowchart: { htmlLabels: true }
    });
    window.mermaid.run({ nodes: nodes }).then(done, function (err) {
      console.error("kdocs: a diagram could not be drawn:", err);
      done();
    });
  } catch (err) {
    console.error("kdocs: diagrams could not be drawn:", err);
    done();
  }
})();
