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
  /* The schedule: mirrors ceeatlas/htsus.py (build_lines, chain, stem, terms, rank)        */
  /* ------------------------------------------------------------------------------------ */

  /* The heading whose file holds line `index` (data.hts.starts is [[heading, first line], ...]). */
  function headingAt(hts, index) {
    var low = 0, high = hts.starts.length - 1;
    while (low < high) {
      var middle = Math.ceil((low + high) / 2);
      if (hts.starts[middle][1] <= index) low = middle; else high = middle - 1;
    }
    return hts.starts[low];
  }

  function startOf(hts, heading) {
    for (var i = 0; i < hts.starts.length; i++) if (hts.starts[i][0] === heading) return hts.starts[i][1];
    return null;
  }

  /* A heading file's rows -> lines with the index of the line their chain continues in. */
  function linesOf(rows, start) {
    var lines = [], stack = [];
    rows.forEach(function (row, i) {
      var htsno = row[0], indent = row[1];
      if (htsno && indent === 0) stack = [];
      while (stack.length && stack[stack.length - 1].indent >= indent) stack.pop();
      var line = { index: start + i, htsno: htsno, digits: htsno.replace(/\./g, ""), indent: indent,
                   description: row[2], units: row[3] || [], parent: stack.length ? stack[stack.length - 1] : null };
      lines.push(line);
      stack.push(line);
    });
    return lines;
  }

  /* As Schedule.find in ceeatlas/htsus.py: a 6- or 8-digit number without a row of its own is
     in the release when a line extends it (USITC writes 2801.10 as 2801.10.00.00), and its line
     is the broadest such line, or the numbered line above several of them. */
  function findLine(lines, digits) {
    var under = [];
    for (var i = 0; i < lines.length; i++) {
      var line = lines[i];
      if (!line.htsno) continue;
      if (digits.length === 4) {
        if (line.indent === 0 && line.digits.slice(0, 4) === digits) return line;
        continue;
      }
      if (line.digits === digits) return line;
      if ((digits.length === 6 || digits.length === 8) && line.digits.length > digits.length &&
          line.digits.slice(0, digits.length) === digits) under.push(line);
    }
    if (!under.length) return null;
    var broadest = Math.min.apply(null, under.map(function (line) { return line.indent; }));
    var top = under.filter(function (line) { return line.indent === broadest; });
    var found = top[0];
    if (top.length > 1) {
      while (found.parent && (!found.htsno || found.digits.slice(0, digits.length) === digits)) found = found.parent;
      if (!found.htsno) found = findLine(lines, digits.slice(0, 4)) || top[0];
    }
    return found;
  }

  function chainOf(line) {
    var found = [];
    for (var current = line; current; current = current.parent) found.unshift(current);
    return found;
  }

  function chainText(line) {
    return chainOf(line).map(function (part) { return part.description.replace(/:$/, ""); }).join(" > ");
  }

  /* The numbered lines one level below `line`: the choices under it. */
  function childrenOf(lines, line) {
    var below = [], after = false;
    for (var i = 0; i < lines.length; i++) {
      var candidate = lines[i];
      if (candidate === line) { after = true; continue; }
      if (!after) continue;
      if (candidate.indent <= line.indent) break;
      if (candidate.htsno && candidate.digits.length > line.digits.length) below.push(candidate);
    }
    var shortest = Math.min.apply(null, below.map(function (item) { return item.digits.length; }));
    return below.filter(function (item) { return item.digits.length === shortest; });
  }

  /* What the release says of a number: its line, or that it is missing with the nearest line above. */
  function explain(lines, digits) {
    var line = findLine(lines, digits);
    if (line) return { exists: true, line: line, chain: chainOf(line) };
    var nearest = null;
    [8, 6, 4].forEach(function (length) {
      if (!nearest && digits.length > length) nearest = findLine(lines, digits.slice(0, length));
    });
    return { exists: false, nearest: nearest, chain: nearest ? chainOf(nearest) : [],
             siblings: nearest ? childrenOf(lines, nearest) : [] };
  }

  function stem(word) {
    if (word.length > 4 && /ies$/.test(word)) return word.slice(0, -3) + "y";
    if (/sses$/.test(word)) return word.slice(0, -2);
    if (word.length > 3 && /s$/.test(word) && !/(ss|us|is)$/.test(word)) return word.slice(0, -1);
    return word;
  }

  function terms(text, stopwords) {
    var found = [];
    (String(text || "").toLowerCase().match(/[a-z]{3,}/g) || []).forEach(function (word) {
      if (stopwords.indexOf(word) >= 0) return;
      var term = stem(word);
      if (found.indexOf(term) < 0) found.push(term);
    });
    return found;
  }

  function undelta(deltas) {
    var ids = [], current = 0;
    (deltas || []).forEach(function (d, i) { current = i === 0 ? d : current + d; ids.push(current); });
    return ids;
  }

  /* The query's words, each with the schedule words that count for it (htsus.word_groups). */
  function wordGroups(text, stopwords, synonyms) {
    return terms(text, stopwords).map(function (term) { return [term].concat(synonyms[term] || []); });
  }

  /* postings: term -> [own ids, ids matched only above]; the order of htsus.rank. */
  function rank(postings, total, groups, limit, synonymWeight) {
    var scores = {}, matched = {};
    groups.forEach(function (group) {
      var best = {};
      group.forEach(function (term, position) {
        var lists = postings[term];
        if (!lists) return;
        var count = lists[0].length + lists[1].length;
        if (!count) return;
        var weight = Math.log(1 + total / count) * (position === 0 ? 1 : synonymWeight);
        lists[0].forEach(function (id) { best[id] = Math.max(best[id] || 0, 2 * weight); });
        lists[1].forEach(function (id) { best[id] = Math.max(best[id] || 0, weight); });
      });
      Object.keys(best).forEach(function (id) {
        scores[id] = (scores[id] || 0) + best[id];
        (matched[id] = matched[id] || []).push(group[0]);
      });
    });
    var round = function (x) { return Math.round(x * 1e9) / 1e9; };
    return Object.keys(scores).map(Number).sort(function (a, b) {
      return (matched[b].length - matched[a].length) || (round(scores[b]) - round(scores[a])) || (a - b);
    }).slice(0, limit).map(function (id) { return { index: id, score: scores[id], matched: matched[id] }; });
  }

  /* ------------------------------------------------------------------------------------ */
  /* "Which Center will my company be assigned to?": a list of lines -> lines per Center      */
  /* ------------------------------------------------------------------------------------ */

  /* One line of CSV, tab- or semicolon-separated text; quoted fields may hold separators. */
  function fields(line) {
    var separator = line.indexOf("\t") >= 0 ? "\t" : line.indexOf(";") >= 0 ? ";" : ",";
    var found = [], current = "", quoted = false;
    for (var i = 0; i < line.length; i++) {
      var ch = line[i];
      if (ch === '"') quoted = !quoted;
      else if (ch === separator && !quoted) { found.push(current.trim()); current = ""; }
      else current += ch;
    }
    found.push(current.trim());
    return found;
  }

  function amount(text) {
    var cleaned = String(text || "").replace(/[$\s]/g, "").replace(/,(?=\d{3}(\D|$))/g, "");
    if (!/^\d+(\.\d+)?$/.test(cleaned)) return null;
    return parseFloat(cleaned);
  }

  /* columns: "lines", "value" or "lines,value" (what follows each HTS number). */
  function assign(data, text, columns) {
    var wanted = columns.split(",");
    var result = { centers: {}, lines: 0, value: 0, approximate: { lines: 0, value: 0 }, skipped: [] };
    var started = false;
    String(text || "").split(/\r?\n/).forEach(function (raw) {
      if (!raw.trim()) return;
      var parts = fields(raw), digits, first = !started;
      started = true;
      try { digits = normalise(parts[0]); } catch (error) {
        if (first && /[a-z]/i.test(parts[0])) return; // a header line ("HTS number, lines")
        result.skipped.push({ line: raw.trim(), reason: error.message });
        return;
      }
      var numbers = {};
      for (var k = 0; k < wanted.length; k++) {
        var number = amount(parts[k + 1]);
        if (number === null) { result.skipped.push({ line: raw.trim(), reason: "No " + (wanted[k] === "lines" ? "number of entry lines" : "value") + " after the HTS number." }); return; }
        numbers[wanted[k]] = number;
      }
      var chapter = parseInt(digits.slice(0, 2), 10);
      if (digits.length < 4 || chapter > 97 || (data.chapters[digits.slice(0, 2)] || {}).reserved) {
        result.skipped.push({ line: raw.trim(), reason: digits.length < 4 ? "Give at least the 4-digit heading." : "Chapters 98 and 99 are special provisions; their lines say nothing about the goods' industry." });
        return;
      }
      var row = resolveHeading(data, digits.slice(0, 4));
      if (!row) { result.skipped.push({ line: raw.trim(), reason: "No Center is recorded for this heading." }); return; }
      var entry = result.centers[row.center] = result.centers[row.center] || { lines: 0, value: 0, approximateLines: 0, approximateValue: 0 };
      var lines = numbers.lines || 0, value = numbers.value || 0;
      entry.lines += lines; entry.value += value;
      result.lines += lines; result.value += value;
      if (row.basis === "industry_description") {
        entry.approximateLines += lines; entry.approximateValue += value;
        result.approximate.lines += lines; result.approximate.value += value;
      }
    });
    var top = function (key) {
      var best = null;
      Object.keys(result.centers).sort().forEach(function (id) {
        if (!best || result.centers[id][key] > result.centers[best][key]) best = id;
      });
      return best && result[key] > 0 ? best : null;
    };
    result.byLines = top("lines");
    result.byValue = top("value");
    return result;
  }

  function percent(part, whole) {
    return whole ? Math.round(1000 * part / whole) / 10 + "%" : "";
  }

  function renderAssignment(data, root, result, container, columns) {
    container.textContent = "";
    var ids = Object.keys(result.centers).sort(function (a, b) {
      return (result.centers[b].lines - result.centers[a].lines) || (result.centers[b].value - result.centers[a].value) || (a < b ? -1 : 1);
    });
    if (!ids.length) {
      container.appendChild(el("p", "No line could be counted. Check the format: an HTS number, then the number(s) you chose, on each line.", { "class": "atlas-error" }));
    } else {
      var summary = el("p");
      var said = [];
      if (result.byLines) said.push(["By the number of entry lines", result.byLines, result.centers[result.byLines].lines, result.lines]);
      if (result.byValue) said.push(["By value", result.byValue, result.centers[result.byValue].value, result.value]);
      said.forEach(function (item, i) {
        summary.appendChild(document.createTextNode((i ? " " : "") + item[0] + ", most of your goods point to "));
        var strong = el("strong");
        strong.appendChild(centerLink(data, root, item[1]));
        summary.appendChild(strong);
        summary.appendChild(document.createTextNode(" (" + percent(item[2], item[3]) + ")."));
      });
      container.appendChild(summary);
      var approximate = columns.indexOf("lines") >= 0 ? percent(result.approximate.lines, result.lines) : percent(result.approximate.value, result.value);
      container.appendChild(el("p", approximate + " of your list rests on scope rows this project inferred (approximate), so the estimate is approximate too. CBP decides."));
      var table = el("table");
      table.appendChild(el("caption", "Your lines by Center"));
      var withLines = columns.indexOf("lines") >= 0, withValue = columns.indexOf("value") >= 0;
      var head = el("tr");
      ["Center"].concat(withLines ? ["Entry lines", "Share of lines"] : [], withValue ? ["Value (US$)", "Share of value"] : [])
        .forEach(function (h) { head.appendChild(el("th", h, { scope: "col" })); });
      var thead = el("thead"); thead.appendChild(head); table.appendChild(thead);
      var body = el("tbody");
      ids.forEach(function (id) {
        var entry = result.centers[id], tr = el("tr"), name = el("td");
        name.appendChild(centerLink(data, root, id));
        tr.appendChild(name);
        if (withLines) {
          tr.appendChild(el("td", String(entry.lines)));
          tr.appendChild(el("td", percent(entry.lines, result.lines)));
        }
        if (withValue) {
          tr.appendChild(el("td", entry.value.toLocaleString("en-US")));
          tr.appendChild(el("td", percent(entry.value, result.value)));
        }
        body.appendChild(tr);
      });
      table.appendChild(body);
      var wrap = el("div", null, { "class": "md-typeset__scrollwrap" });
      var inner = el("div", null, { "class": "md-typeset__table" });
      inner.appendChild(table);
      wrap.appendChild(inner);
      container.appendChild(wrap);
    }
    if (result.skipped.length) {
      container.appendChild(el("p", result.skipped.length === 1 ? "1 line was not counted:" : result.skipped.length + " lines were not counted:"));
      var list = el("ul");
      result.skipped.forEach(function (item) { list.appendChild(el("li", item.line + ": " + item.reason)); });
      container.appendChild(list);
    }
  }

  function initAssignment() {
    var form = document.getElementById("assign-form");
    if (!form || form.dataset.ready) return;
    form.dataset.ready = "1";
    var output = document.getElementById("assign-result");
    var textarea = document.getElementById("assign-input");
    var root = form.getAttribute("data-root") || "";
    document.getElementById("assign-file").addEventListener("change", function (event) {
      var file = event.target.files && event.target.files[0];
      if (!file) return;
      file.text().then(function (text) { textarea.value = text; }); // read here; never uploaded
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var columns = document.getElementById("assign-columns").value;
      fetch(form.getAttribute("data-src")).then(function (response) {
        if (!response.ok) throw new Error("The scope data could not be loaded (HTTP " + response.status + ").");
        return response.json();
      }).then(function (data) {
        renderAssignment(data, root, assign(data, textarea.value, columns), output, columns);
      }).catch(function (error) {
        output.textContent = "";
        output.appendChild(el("p", error.message, { "class": "atlas-error" }));
      });
    });
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

  function numberLink(htsno) {
    return el("a", htsno, { href: "?hts=" + encodeURIComponent(htsno) });
  }

  /* The description chain as a list: broadest first, each line with its number if it has one. */
  function chainList(chain) {
    var list = el("ol", null, { "class": "atlas-chain" });
    chain.forEach(function (line) {
      var item = el("li");
      if (line.htsno) {
        item.appendChild(el("strong", line.htsno));
        item.appendChild(document.createTextNode(" "));
      }
      item.appendChild(document.createTextNode(line.description));
      list.appendChild(item);
    });
    return list;
  }

  function renderSchedule(data, answer, explained, container) {
    var hts = data.hts, release = hts.release.title;
    if (!explained) return;
    if (explained.exists) {
      var intro = el("p");
      intro.appendChild(el("strong", answer.htsus));
      intro.appendChild(document.createTextNode(" in " + release + " (published " + hts.release.published + "), read from the broadest line down:"));
      container.appendChild(intro);
      container.appendChild(chainList(explained.chain));
      if (explained.line.units.length) {
        container.appendChild(el("p", "Unit of quantity: " + explained.line.units.join(", ")));
      }
      return;
    }
    container.appendChild(el("p", answer.htsus + " is not in " + release + ".", { "class": "atlas-error" }));
    if (explained.nearest) {
      var nearest = el("p", "The nearest number above it that exists is ");
      nearest.appendChild(numberLink(explained.nearest.htsno));
      nearest.appendChild(document.createTextNode(":"));
      container.appendChild(nearest);
      container.appendChild(chainList(explained.chain));
    }
    if (explained.siblings && explained.siblings.length) {
      container.appendChild(el("p", "Numbers that exist at that level:"));
      var list = el("ul", null, { "class": "atlas-siblings" });
      explained.siblings.forEach(function (line) {
        var item = el("li");
        item.appendChild(numberLink(line.htsno));
        item.appendChild(document.createTextNode(" " + line.description));
        list.appendChild(item);
      });
      container.appendChild(list);
    }
  }

  function render(data, root, answer, container, explained) {
    container.textContent = "";
    if (data.hts && answer.digits.length >= 4 && answer.kind !== "reserved") {
      renderSchedule(data, answer, explained, container);
    }
    var title = el("p");
    title.appendChild(el("strong", answer.htsus));
    var context = " - chapter " + answer.chapter + (answer.chapterTitle ? ": " + answer.chapterTitle : "");
    if (answer.section) context += " (section " + answer.section.roman + ": " + answer.section.title + ")";
    title.appendChild(document.createTextNode(context));
    container.appendChild(title);
    var links = el("p");
    if (data.hts) {
      var usitc = data.hts.usitc.replace("{number}", encodeURIComponent(answer.htsus));
      links.appendChild(el("a", "See " + answer.htsus + " on hts.usitc.gov", { href: usitc, rel: "noopener" }));
      links.appendChild(document.createTextNode(" (rates of duty, and additional duties of chapter 99, are there)."));
      if (answer.heading && data.hts.ruled.indexOf(answer.heading) >= 0) {
        links.appendChild(document.createTextNode(" "));
        links.appendChild(el("a", "Rulings for heading " + answer.heading, { href: root + "rulings/hts/" + answer.heading + "/" }));
        links.appendChild(document.createTextNode("."));
      }
      container.appendChild(links);
    }
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
    if (answer.kind === "chapter" && data.hts) {
      var browse = el("p");
      browse.appendChild(el("a", "Headings and subheadings of chapter " + answer.chapter, { href: root + "hts/" + answer.chapter + "/" }));
      container.appendChild(browse);
    }
  }

  function renderWords(data, root, found, container) {
    container.textContent = "";
    if (!found.results.length) {
      container.appendChild(el("p", "No line of " + data.hts.release.title + " uses these words. Try other words for what the goods are, what they are made of or what they do."));
      return;
    }
    container.appendChild(el("p", "Lines of " + data.hts.release.title + " that use your words (" + found.words.join(", ") +
      "), the lines matching most of them first. Check the full text and notes before you classify."));
    var list = el("ol", null, { "class": "atlas-word-results" });
    found.results.forEach(function (result) {
      var item = el("li");
      item.appendChild(numberLink(result.line.htsno));
      item.appendChild(document.createTextNode(" " + chainText(result.line)));
      var row = resolveHeading(data, result.heading);
      if (row && parseInt(result.heading.slice(0, 2), 10) <= 97) {
        var center = el("span", " Center: ", { "class": "atlas-word-center" });
        center.appendChild(centerLink(data, root, row.center));
        if (row.basis === "industry_description") center.appendChild(document.createTextNode(" (approximate)"));
        item.appendChild(center);
      }
      list.appendChild(item);
    });
    container.appendChild(list);
  }

  function Schedule(base) {
    this.base = base;
    this.cache = {};
  }

  Schedule.prototype.get = function (path) {
    if (!this.cache[path]) {
      this.cache[path] = fetch(this.base + path).then(function (response) {
        if (response.status === 404) return null;
        if (!response.ok) throw new Error("Could not load " + path + " (HTTP " + response.status + ").");
        return response.json();
      });
    }
    return this.cache[path];
  };

  /* The lines of one heading (null when the release has no such heading). */
  Schedule.prototype.heading = function (data, heading) {
    var start = startOf(data.hts, heading);
    if (start === null) return Promise.resolve(null);
    return this.get("h/" + heading + ".json").then(function (rows) { return rows ? linesOf(rows, start) : null; });
  };

  Schedule.prototype.explain = function (data, answer) {
    if (!data.hts || answer.digits.length < 4) return Promise.resolve(null);
    var heading = answer.digits.slice(0, 4);
    var chapter = heading.slice(0, 2);
    return this.heading(data, heading).then(function (lines) {
      if (lines) return explain(lines, answer.digits);
      // No such heading: the chapter's headings are the choices.
      var headings = data.hts.starts.filter(function (s) { return s[0].slice(0, 2) === chapter; });
      return { exists: false, nearest: null, chain: [], siblings: headings.map(function (s) {
        return { htsno: s[0], description: "(see chapter " + chapter + ")" };
      }) };
    });
  };

  Schedule.prototype.words = function (data, text, limit) {
    var self = this, hts = data.hts;
    var groups = wordGroups(text, hts.stopwords, hts.synonyms);
    if (!groups.length) return Promise.resolve({ words: [], results: [] });
    var wanted = [].concat.apply([], groups);
    var prefixes = wanted.map(function (w) { return w.slice(0, 2); }).filter(function (p, i, all) { return all.indexOf(p) === i; });
    return Promise.all(prefixes.map(function (p) { return self.get("w/" + p + ".json"); })).then(function (shards) {
      var postings = {};
      shards.forEach(function (shard) {
        Object.keys(shard || {}).forEach(function (term) {
          if (wanted.indexOf(term) >= 0) postings[term] = [undelta(shard[term][0]), undelta(shard[term][1])];
        });
      });
      var ranked = rank(postings, hts.searchable, groups, limit || 25, hts.synonym_weight);
      var headings = ranked.map(function (r) { return headingAt(hts, r.index)[0]; });
      var unique = headings.filter(function (h, i) { return headings.indexOf(h) === i; });
      return Promise.all(unique.map(function (h) { return self.heading(data, h); })).then(function (loaded) {
        var byIndex = {};
        loaded.forEach(function (lines) { (lines || []).forEach(function (line) { byIndex[line.index] = line; }); });
        return {
          words: groups.map(function (group) { return group[0]; }),
          results: ranked.filter(function (r) { return byIndex[r.index]; }).map(function (r, i) {
            return { line: byIndex[r.index], heading: headingAt(hts, r.index)[0], matched: r.matched, score: r.score };
          }),
        };
      });
    });
  };

  function init() {
    var form = document.getElementById("hts-lookup");
    if (!form || form.dataset.ready) return;
    form.dataset.ready = "1";
    var input = document.getElementById("hts-input");
    var output = document.getElementById("hts-result");
    var root = form.getAttribute("data-root") || "";
    var schedule = new Schedule(form.getAttribute("data-hts") || "");
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

    function fail(error) {
      output.textContent = "";
      output.appendChild(el("p", error.message, { class: "atlas-error" }));
    }

    function run() {
      var text = input.value.trim();
      data().then(function (loaded) {
        if (/[a-z]/i.test(text.replace(/^(htsus|hts)\b/i, "")) && loaded.hts) {
          output.textContent = "Searching...";
          return schedule.words(loaded, text).then(function (found) { renderWords(loaded, root, found, output); });
        }
        var answer = lookup(loaded, text);
        return schedule.explain(loaded, answer).then(function (explained) {
          render(loaded, root, answer, output, explained);
        });
      }).catch(fail);
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
    module.exports = {
      normalise: normalise, htsusForm: htsusForm, crossForm: crossForm, lookup: lookup,
      headingAt: headingAt, linesOf: linesOf, findLine: findLine, chainText: chainText, explain: explain,
      stem: stem, terms: terms, wordGroups: wordGroups, undelta: undelta, rank: rank, Schedule: Schedule,
      fields: fields, assign: assign,
    };
  } else {
    window.atlasOnPage(init); // defined by atlas.js, which loads first
    window.atlasOnPage(initAssignment);
  }
})();
