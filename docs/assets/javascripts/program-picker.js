/*
 * "Which program fits me?" in the browser. Evaluates the decision table generated from
 * centers/program-picker.yaml, with the same two rules as ceeatlas/picker.py: every rule whose
 * conditions all hold is shown in order; the fallback when none holds. Text is inserted with
 * textContent only.
 */
(function () {
  "use strict";

  function evaluate(table, answers) {
    var matched = table.rules.filter(function (rule) {
      return Object.keys(rule.when).every(function (question) {
        return rule.when[question].indexOf(answers[question]) >= 0;
      });
    });
    return matched.length ? matched : [table.fallback];
  }

  function el(tag, text) {
    var node = document.createElement(tag);
    if (text) node.textContent = text;
    return node;
  }

  function render(table, root, rules, container) {
    container.textContent = "";
    rules.forEach(function (rule) {
      var section = el("section");
      section.appendChild(el("h3", rule.headline));
      rule.recommend.forEach(function (id) {
        var line = el("p");
        var link = el("a", "Read about " + (table.programs[id] || id));
        link.setAttribute("href", root + "programs/" + id + "/");
        line.appendChild(link);
        section.appendChild(line);
      });
      var reasons = el("ul");
      rule.reasons.forEach(function (text) { reasons.appendChild(el("li", text)); });
      section.appendChild(reasons);
      if (rule.next_steps.length) {
        section.appendChild(el("p", "Next steps:"));
        var steps = el("ol");
        rule.next_steps.forEach(function (text) { steps.appendChild(el("li", text)); });
        section.appendChild(steps);
      }
      container.appendChild(section);
    });
  }

  function init() {
    var form = document.getElementById("program-picker");
    if (!form || form.dataset.ready) return;
    form.dataset.ready = "1";
    var output = document.getElementById("program-picker-result");
    var root = form.getAttribute("data-root") || "";
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var answers = {};
      new FormData(form).forEach(function (value, key) { answers[key] = value; });
      fetch(form.getAttribute("data-src"))
        .then(function (response) {
          if (!response.ok) throw new Error("The decision table could not be loaded (HTTP " + response.status + ").");
          return response.json();
        })
        .then(function (table) {
          render(table, root, evaluate(table, answers), output);
        })
        .catch(function (error) {
          output.textContent = error.message;
        });
    });
  }

  if (typeof module !== "undefined" && module.exports) {
    module.exports = { evaluate: evaluate };
  } else {
    window.atlasOnPage(init); // defined by atlas.js, which loads first
  }
})();
