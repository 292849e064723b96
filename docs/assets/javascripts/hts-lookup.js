/*
 * "Which Center handles my goods?" in the browser.
 *
 * Mirrors ceeatlas/hts.py (normalise) and ceeatlas/scope.py (resolve): the same rules, the
 * same scope rows (read from the generated hts-lookup.json). tests/test_lookup_js.py runs
 * this file under Node and compares every heading with the Python answer.
 *
 * All text from the data is inserted with textContent, never as HTML.
 */
(function () {
  "use strict";

  var VALID_LENGTHS = [2, 4, 6, 8, 10];

  function normalise(raw) {
    var text = String(raw || "").trim();
    text = text.replace(/^(htsus|hts)\s*(no\.?|number|#)?\s*:?\s*/i, "");
    if (!text) {
      throw new Error("Enter an HTS number, for example 6109.10.00.40.");
    }
    if (!/^[\d\s.\-]+$/.test(text)) {
      throw new Error("An HTS number has only digits, dots or spaces, for example 6109.10.00.40.");
    }
    var digits = text.replace(/\D/g, "");
    if (VALID_LENGTHS.indexOf(digits.length) < 0) {
      if (digits.length % 2 === 1 && digits.length < 10) {
        throw new Error(
          digits.length + " digits is not a complete HTS level (use 2, 4, 6, 8 or 10). " +
          "If a spreadsheet dropped a leading zero, add it back (0101, not 101)."
        );
      }
      throw new Error("An HTS number has at most 10 digits.");
    }
    if (digits.slice(0, 2) === "00") {
      throw new Error("There is no HTS chapter 00; chapters run from 01 to 99.");
    }
    return digits;
  }

  function htsusForm(digits) {
    var groups = [digits.slice(0, 4), digits.slice(4, 6), digits.slice(6, 8), digits.slice(8, 10)];
    return groups.filter(Boolean).join(".");
  }

  function crossForm(digits) {
    var groups = [digits.slice(0, 4), digits.slice(4, 6), digits.slice(6, 10)];
    return groups.filter(Boolean).join(".");
  }

  function covers(row, heading) {
    var key = row.level === "heading" ? heading : heading.slice(0, 2);
    return row.first <= key && key <= row.last;
  }

  function resolveHeading(data, heading) {
    var best = null;
    data.rows.forEach(function (row) {
      if (!covers(row, heading)) return;
      var precedence = row.level === "heading" ? 2 : 1;
      if (!best || precedence > best.precedence) best = { row: row, precedence: precedence };
    });
    return best ? best.row : null;
  }

  function sectionOf(data, chapterNumber) {
    for (var i = 0; i < data.sections.length; i++) {
      var s = data.sections[i];
      if (s.first <= chapterNumber && chapterNumber <= s.last) return s;
    }
    return null;
  }

  /* Returns a plain object describing the answer; rendering is separate so Node can test it. */
  function lookup(data, raw) {
    var digits = normalise(raw);
    var chapter = digits.slice(0, 2);
    var info = data.chapters[chapter];
    var answer = {
      digits: digits,
      htsus: htsusForm(digits),
      cross: crossForm(digits),
      chapter: chapter,
      chapterTitle: info ? info.title : "",
      section: sectionOf(data, parseInt(chapter, 10)),
    };
    if (info && info.reserved) {
      answer.kind = "reserved";
    } else if (parseInt(chapter, 10) > 97) {
      answer.kind = "special";
    } else if (digits.length === 2) {
      answer.kind = "chapter";
      // A heading row spanning the whole chapter is better evidence than the chapter row.
      answer.row = data.rows.filter(function (r) {
        return r.level === "heading" && r.first <= chapter + "01" && chapter + "99" <= r.last;
      })[0] || data.rows.filter(function (r) {
        return r.level === "chapter" && r.first <= chapter && chapter <= r.last;
      })[0] || null;
      answer.exceptions = data.rows.filter(function (r) {
        return r.level === "heading" && r.first.slice(0, 2) <= chapter && chapter <= r.last.slice(0, 2) &&
          (!answer.row || r.center !== answer.row.center);
      });
    } else {
      answer.kind = "heading";
      answer.heading = digits.slice(0, 4);
      answer.row = resolveHeading(data, answer.heading);
    }
    return answer;
  }

  /* ------------------------------------------------------------------------------------ */
  /* Browser rendering                                                                     */
  /* ------------------------------------------------------------------------------------ */

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    Object.keys(attrs || {}).forEach(function (key) {
      node.setAttribute(key, attrs[key]);
    });
    return node;
  }

  function safeHref(url) {
    return /^https?:\/\//i.test(url || "") ? url : null;
  }

  function centerLink(data, root, centerId) {
    var center = data.centers[centerId];
    return el("a", center ? center.name : centerId, { href: root + (center ? center.path : "") });
  }

  function describeRow(data, root, row, container) {
    var basis = el("p");
    basis.appendChild(el("strong", "Basis: "));
    basis.appendChild(document.createTextNode(data.basis_labels[row.basis] || row.basis));
    basis.appendChild(document.createTextNode(" (row " + row.first + (row.first === row.last ? "" : "-" + row.last) +
      ", " + row.level + " level)"));
    container.appendChild(basis);
    if (row.note) container.appendChild(el("p", row.note));
    var source = el("p");
    source.appendChild(el("strong", "Source: "));
    var href = safeHref(row.source.url);
    source.appendChild(href ? el("a", row.source.title, { href: href, rel: "noopener" }) : el("span", row.source.title));
    source.appendChild(document.createTextNode(" (" + row.source.as_of + ")"));
    container.appendChild(source);
  }

  function render(data, root, answer, container) {
    container.textContent = "";
    var title = el("p");
    title.appendChild(el("strong", answer.htsus));
    var context = " - chapter " + answer.chapter + (answer.chapterTitle ? ": " + answer.chapterTitle : "");
    if (answer.section) context += " (section " + answer.section.roman + ": " + answer.section.title + ")";
    title.appendChild(document.createTextNode(context));
    container.appendChild(title);
    if (answer.digits.length >= 6) {
      container.appendChild(el("p", "In CROSS, search rulings for " + answer.cross + " (CROSS matches this grouping)."));
    }
    if (answer.kind === "reserved") {
      container.appendChild(el("p", "This chapter is reserved: no goods are classified in it. Check the number."));
      return;
    }
    if (answer.kind === "special") {
      container.appendChild(el("p", "Chapters 98 and 99 hold special provisions. The Center follows the goods' own classification in chapters 01 to 97."));
      return;
    }
    if (!answer.row) {
      container.appendChild(el("p", "No Center is recorded for this number.", { class: "atlas-error" }));
      return;
    }
    var centerLine = el("p");
    centerLine.appendChild(document.createTextNode("Center: "));
    var strong = el("strong");
    strong.appendChild(centerLink(data, root, answer.row.center));
    centerLine.appendChild(strong);
    container.appendChild(centerLine);
    if (answer.row.basis === "industry_description") {
      container.appendChild(el("p", "Approximate: this is the project's inference from the Center's industry description, not CBP's list. Confirm with the Center."));
    }
    describeRow(data, root, answer.row, container);
    if (answer.kind === "chapter" && answer.exceptions.length) {
      container.appendChild(el("p", "These headings of the chapter go to another Center:"));
      var list = el("ul");
      answer.exceptions.forEach(function (row) {
        var item = el("li", row.first + (row.first === row.last ? "" : "-" + row.last) + ": ");
        item.appendChild(centerLink(data, root, row.center));
        list.appendChild(item);
      });
      container.appendChild(list);
    }
  }

  function init() {
    var form = document.getElementById("hts-lookup");
    if (!form || form.dataset.ready) return;
    form.dataset.ready = "1";
    var input = document.getElementById("hts-input");
    var output = document.getElementById("hts-result");
    var root = form.getAttribute("data-root") || "";
    var dataPromise = null;

    function data() {
      if (!dataPromise) {
        dataPromise = fetch(form.getAttribute("data-src")).then(function (response) {
          if (!response.ok) throw new Error("The lookup data could not be loaded (HTTP " + response.status + ").");
          return response.json();
        });
      }
      return dataPromise;
    }

    function run() {
      data().then(function (loaded) {
        render(loaded, root, lookup(loaded, input.value), output);
      }).catch(function (error) {
        output.textContent = "";
        output.appendChild(el("p", error.message, { class: "atlas-error" }));
      });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      run();
      if (history.replaceState) history.replaceState(null, "", "?hts=" + encodeURIComponent(input.value.trim()));
    });
    var initial = new URLSearchParams(window.location.search).get("hts");
    if (initial) {
      input.value = initial;
      run();
    }
  }

  if (typeof module !== "undefined" && module.exports) {
    module.exports = { normalise: normalise, htsusForm: htsusForm, crossForm: crossForm, lookup: lookup };
  } else {
    window.atlasOnPage(init); // defined by atlas.js, which loads first
  }
})();
