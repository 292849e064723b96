/*
 * "Find rulings": search the pulled CROSS rulings in the browser, from the static JSON files
 * written by ceeatlas/finder.py. An HTS query loads one heading (or subheading) file; a words
 * query loads the word files it needs and then the rulings it shows. Text is inserted with
 * textContent only; links go to CROSS's own ruling pages.
 */
(function () {
  "use strict";

  var STATUS_WORDS = ["Active", "Modified", "Revoked", "Operationally revoked"];
  var SHOWN = 200;

  function wordsOf(text, stopwords) {
    var seen = {};
    (String(text || "").toLowerCase().match(/[a-z0-9]{3,}/g) || []).forEach(function (w) {
      if (stopwords.indexOf(w) < 0) seen[w] = true;
    });
    return Object.keys(seen);
  }

  function htsDigits(raw) {
    var text = String(raw || "").trim().replace(/^(htsus|hts)\s*:?\s*/i, "");
    if (!text) return "";
    if (!/^[\d\s.\-]+$/.test(text)) throw new Error("An HTS number has only digits, dots or spaces, for example 8471.30.01.00.");
    var digits = text.replace(/\D/g, "");
    if ([4, 6, 8, 10].indexOf(digits.length) < 0) {
      throw new Error("Give at least the 4-digit heading (for example 8471), or 6, 8 or 10 digits.");
    }
    return digits;
  }

  function matches(row, query, stopwords) {
    if (query.digits) {
      var numbers = (row[4] + " " + (row[7] || "")).split(" ");
      var ok = numbers.some(function (t) { return t && t.replace(/\./g, "").indexOf(query.digits) === 0; });
      if (!ok) return false;
    }
    if (query.words.length) {
      var subject = wordsOf(row[3], []);
      if (!query.words.every(function (w) { return subject.indexOf(w) >= 0; })) return false;
    }
    if (query.from && row[2] < query.from) return false;
    if (query.to && row[2] > query.to) return false;
    if (query.collection && row[1] !== query.collection) return false;
    return true;
  }

  function decode(deltas) {
    var ids = [], current = 0;
    deltas.forEach(function (d, i) { current = i === 0 ? d : current + d; ids.push(current); });
    return ids;
  }

  function intersect(lists) {
    lists.sort(function (a, b) { return a.length - b.length; });
    return lists[0].filter(function (id) {
      return lists.slice(1).every(function (other) { return other.indexOf(id) >= 0; });
    });
  }

  function Finder(base) {
    this.base = base;
    this.cache = {};
  }

  Finder.prototype.get = function (path) {
    if (!this.cache[path]) {
      this.cache[path] = fetch(this.base + path).then(function (response) {
        if (response.status === 404) return null;
        if (!response.ok) throw new Error("Could not load " + path + " (HTTP " + response.status + ").");
        return response.json();
      });
    }
    return this.cache[path];
  };

  /* Resolves to {rows, total, note, subheadings}. */
  Finder.prototype.find = function (query) {
    var self = this;
    return this.get("meta.json").then(function (meta) {
      query.words = wordsOf(query.text, meta.stopwords);
      if (query.digits) {
        var heading = query.digits.slice(0, 4);
        var info = meta.headings[heading];
        if (!info) return { rows: [], total: 0, note: "No pulled ruling names heading " + heading + "." };
        if (info[1] && query.digits.length < 6) {
          return { rows: [], total: info[0], subheadings: info[2], heading: heading,
                   note: "Heading " + heading + " has " + info[0] + " rulings. Choose a subheading:" };
        }
        var file = info[1] ? "hts/" + heading + "/" + query.digits.slice(0, 6) + ".json" : "hts/" + heading + ".json";
        return self.get(file).then(function (rows) {
          var found = (rows || []).filter(function (row) { return matches(row, query, meta.stopwords); });
          return { rows: found.slice(0, SHOWN), total: found.length };
        });
      }
      if (!query.words.length) return { rows: [], total: 0, note: "Enter an HTS number or some words." };
      return Promise.all(query.words.map(function (w) { return self.get("words/" + w.slice(0, 2) + ".json"); }))
        .then(function (shards) {
          var lists = shards.map(function (shard, i) { return shard && shard[query.words[i]] ? decode(shard[query.words[i]]) : []; });
          var ids = intersect(lists);
          var blocks = {};
          ids.slice(0, SHOWN * 3).forEach(function (id) { blocks[Math.floor(id / meta.block)] = true; });
          return Promise.all(Object.keys(blocks).map(function (b) { return self.get("docs/" + b + ".json"); }))
            .then(function (loaded) {
              var byId = {};
              Object.keys(blocks).forEach(function (b, i) {
                (loaded[i] || []).forEach(function (row, j) { byId[Number(b) * meta.block + j] = row; });
              });
              var rows = ids.slice(0, SHOWN * 3).map(function (id) { return byId[id]; }).filter(function (row) {
                return row && matches(row, query, meta.stopwords);
              });
              var capped = lists.some(function (l) { return l.length >= meta.word_cap; });
              return { rows: rows.slice(0, SHOWN), total: rows.length,
                       note: capped ? "A common word matched many rulings; only the newest are searched." : "" };
            });
        });
    });
  };

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  function htsus(cross) {
    var d = cross.replace(/\./g, "");
    return [d.slice(0, 4), d.slice(4, 6), d.slice(6, 8), d.slice(8, 10)].filter(Boolean).join(".");
  }

  function render(result, container, onSubheading) {
    container.textContent = "";
    if (result.note) container.appendChild(el("p", result.note));
    if (result.subheadings) {
      var list = el("ul");
      Object.keys(result.subheadings).forEach(function (sub) {
        var item = el("li");
        var button = el("button", sub.slice(0, 4) + "." + sub.slice(4) + " (" + result.subheadings[sub] + ")", { type: "button", "class": "md-button" });
        button.addEventListener("click", function () { onSubheading(sub); });
        item.appendChild(button);
        list.appendChild(item);
      });
      container.appendChild(list);
      return;
    }
    var found = result.total === 1 ? "1 ruling found" : result.total + " rulings found";
    container.appendChild(el("p", found + (result.total > result.rows.length ? "; showing the newest " + result.rows.length : "") + "."));
    if (!result.rows.length) return;
    var table = el("table");
    var caption = el("caption", "Rulings found, newest first");
    table.appendChild(caption);
    var head = el("thead");
    var tr = el("tr");
    ["Ruling", "Date", "Subject", "HTS", "Status"].forEach(function (h) { tr.appendChild(el("th", h, { scope: "col" })); });
    head.appendChild(tr);
    table.appendChild(head);
    var body = el("tbody");
    result.rows.forEach(function (row) {
      var line = el("tr");
      var cell = el("td");
      cell.appendChild(el("a", row[1] + " " + row[0], { href: "https://rulings.cbp.gov/ruling/" + encodeURIComponent(row[0]) }));
      line.appendChild(cell);
      line.appendChild(el("td", row[2]));
      var subject = el("td", row[3]);
      if (row[8]) {
        subject.appendChild(el("br"));
        subject.appendChild(el("em", row[8], { "class": "atlas-cbp-label" }));
      }
      line.appendChild(subject);
      var hts = row[4].split(" ").filter(Boolean).map(htsus).join(", ");
      if (row[7]) {
        hts = (hts ? hts + "; " : "") + row[7].split(" ").map(htsus).join(", ") + " (routed by a number in the letter text)";
      }
      if (row[9]) hts = row[9]; // the same, with a note on each number the newest HTSUS release lacks
      line.appendChild(el("td", hts));
      line.appendChild(el("td", STATUS_WORDS[row[5]] || ""));
      body.appendChild(line);
    });
    table.appendChild(body);
    var wrap = el("div", null, { "class": "md-typeset__scrollwrap" });
    var inner = el("div", null, { "class": "md-typeset__table" });
    inner.appendChild(table);
    wrap.appendChild(inner);
    container.appendChild(wrap);
  }

  function init() {
    var form = document.getElementById("find-rulings-form");
    if (!form || form.dataset.ready) return;
    form.dataset.ready = "1";
    var finder = new Finder(form.getAttribute("data-src"));
    var output = document.getElementById("find-rulings-result");

    function run() {
      var query;
      try {
        query = {
          digits: htsDigits(form.elements.hts.value),
          text: form.elements.words.value,
          from: form.elements.from.value,
          to: form.elements.to.value,
          collection: form.elements.collection.value,
        };
      } catch (error) {
        output.textContent = "";
        output.appendChild(el("p", error.message, { "class": "atlas-error" }));
        return;
      }
      output.textContent = "Searching...";
      finder.find(query).then(function (result) {
        render(result, output, function (sub) { form.elements.hts.value = sub; run(); });
      }).catch(function (error) {
        output.textContent = "";
        output.appendChild(el("p", error.message, { "class": "atlas-error" }));
      });
    }

    form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
    var params = new URLSearchParams(window.location.search);
    if (params.get("hts") || params.get("words")) {
      form.elements.hts.value = params.get("hts") || "";
      form.elements.words.value = params.get("words") || "";
      run();
    }
  }

  if (typeof module !== "undefined" && module.exports) {
    module.exports = { wordsOf: wordsOf, htsDigits: htsDigits, matches: matches, decode: decode, intersect: intersect, Finder: Finder };
  } else {
    window.atlasOnPage(init); // defined by atlas.js, which loads first
  }
})();
