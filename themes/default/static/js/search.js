// kdocs search: the box in the header finds topics, consumer groups, schema subjects, schema
// fields and pages, offline. The index is built with the site (package generator/search, whose
// index.go documents the files) as scripts that call kdocsSearch.add: they are loaded with
// <script> tags, never fetch, because browsers refuse fetch() of local files under file://.
// Only what a query needs is loaded: the bootstrap, the term shards its words can be in, and
// the document chunks of the results shown.
//
// The box is a combobox (ARIA 1.2): the input owns a listbox of options, the arrows move the
// active option (aria-activedescendant), Enter opens it, Escape closes the list; "/" anywhere
// on the page focuses the box.
(function () {
  "use strict";
  var box = document.querySelector(".site-search");
  if (!box) {
    // The default layout writes no box (the same markup on every page is shared chrome, kept
    // here rather than repeated in each of a large estate's pages): it goes after the site's
    // title, and leads to the site root the navigation names. A theme may write its own.
    var header = document.querySelector(".site-header");
    var nav = document.querySelector(".site-nav[data-root]");
    if (!header || !nav) return;
    box = document.createElement("div");
    box.className = "site-search";
    box.setAttribute("role", "search");
    box.setAttribute("data-root", nav.getAttribute("data-root"));
    box.hidden = true;
    var title = header.querySelector(".site-title");
    header.insertBefore(box, title ? title.nextSibling : header.firstChild);
  }
  if (!box.querySelector("input")) {
    box.innerHTML = '<input type="search" class="search-input" placeholder="Search  /" aria-label="Search topics, groups, schemas, fields and pages" ' +
      'role="combobox" aria-autocomplete="list" aria-expanded="false" aria-controls="kdocs-search-results" autocomplete="off" spellcheck="false">' +
      '<ul id="kdocs-search-results" class="search-results" role="listbox" aria-label="Search results" hidden></ul>' +
      '<div class="search-status" role="status" aria-live="polite"></div>';
  }
  var input = box.querySelector("input");
  var list = box.querySelector('[role="listbox"]');
  var status = box.querySelector(".search-status");
  // The layout writes the way from this page to the site root (relative, or the base URL on
  // 404.html): every index file and result link starts with it.
  var root = box.getAttribute("data-root") || "";
  var maxResults = 10;
  var debounceMs = 60;
  var kinds = { t: "topic", g: "group", s: "subject", f: "field", p: "page" };

  var loaded = {};  // file name → its data, once its script ran
  var waiting = {}; // file name → promise of its data
  var callbacks = {};
  var index = null;

  window.kdocsSearch = {
    // add is what every index file calls.
    add: function (name, data) {
      if (typeof data === "string") data = JSON.parse(data);
      loaded[name] = data;
      if (callbacks[name]) callbacks[name].resolve(data);
    },
    search: search,
    lastQueryMs: 0,
    // rankBlocks: up to how many blocks (tiers of matching terms) a query is ranked by skipping
    // (rank), past it by scoring every match (scoreAll). Tests set it to compare the two.
    rankBlocks: 32
  };

  function load(name) {
    if (loaded[name]) return Promise.resolve(loaded[name]);
    if (waiting[name]) return waiting[name];
    waiting[name] = new Promise(function (resolve, reject) {
      callbacks[name] = { resolve: resolve };
      var s = document.createElement("script");
      s.src = root + "search/" + name + ".js";
      s.async = true;
      s.onerror = function () {
        delete waiting[name];
        reject(new Error("search index file " + name + ".js did not load"));
      };
      // A file that loaded but did not call add is not the index this script expects.
      s.onload = function () {
        if (!loaded[name]) reject(new Error("search index file " + name + ".js is not a kdocs index"));
      };
      document.head.appendChild(s);
    });
    return waiting[name];
  }

  function bootstrap() {
    if (index) return Promise.resolve(index);
    return load("index").then(function (data) {
      if (data.v !== 3) throw new Error("search index format " + data.v + " is not supported by this page");
      index = data;
      index.keys = Object.keys(data.shards);
      return index;
    });
  }

  // tokens splits a query as the index split names: lower-case runs of letters and digits of
  // at least two characters, cut at 40 (the index cuts its terms there too).
  function tokens(q) {
    return q.toLowerCase().split(/[^\p{L}\p{N}]+/u).map(function (t) {
      var cps = Array.from(t);
      return cps.length > 40 ? cps.slice(0, 40).join("") : t;
    }).filter(function (t) { return Array.from(t).length >= 2; });
  }

  // shardsFor lists the term shards that can hold terms starting with token: the longest key
  // that is a prefix of it, and every key that starts with it.
  function shardsFor(token) {
    var out = [];
    var cps = Array.from(token);
    for (var n = cps.length; n >= 2; n--) {
      var k = cps.slice(0, n).join("");
      if (Object.prototype.hasOwnProperty.call(index.shards, k)) { out.push(index.shards[k]); break; }
    }
    index.keys.forEach(function (k) {
      var file = index.shards[k];
      if (k.length > token.length && k.lastIndexOf(token, 0) === 0 && out.indexOf(file) < 0) out.push(file);
    });
    return out; // file names: neighbouring keys share a file
  }

  // A query word's matches are read in blocks: a block is one tier of one matching term (see
  // index.go: a term's postings grouped by weight, heaviest first, ids ascending within a tier).
  // Every document in a block gets the same points from it, s: the tier's weight times what the
  // term is worth to the word, 2000 for the word itself, less the more of the term the word
  // leaves unsaid. Points are integers so that sums are exact in any order.
  var END = 2147483647; // the id of a block read to its end
  function wordBlocks(token, shards) {
    var terms = [];
    shards.forEach(function (shard) {
      for (var term in shard) if (term.lastIndexOf(token, 0) === 0) terms.push([term, shard[term]]);
    });
    var blocks = [];
    terms.forEach(function (te, k) {
      var term = te[0], tiers = te[1][0], ids = te[1][1];
      var unit = term === token ? 2000 : 1000 + Math.floor(500 * token.length / term.length);
      for (var i = 0, at = 0; i < tiers.length; at += tiers[i + 1], i += 2) {
        blocks.push({ term: k, s: tiers[i] * unit, ids: ids, start: at, end: at + tiers[i + 1], pos: at, id: ids[at] });
      }
    });
    return { blocks: blocks, terms: terms.length };
  }

  // advance moves block b to its first document at or after target.
  function advance(b, target) {
    var pos = b.pos, id = b.id, ids = b.ids, end = b.end;
    while (id < target) {
      if (++pos >= end) { id = END; break; }
      id += ids[pos];
    }
    b.pos = pos;
    b.id = id;
  }

  // rank returns the best n documents matching every word, best first, equal scores by id, as
  // [id, score]: exactly what scoring every match would give, without doing so (WAND, Broder et
  // al.). A document scores for a word ten times its best block's points plus the others' (the
  // best and a tenth of the rest, in integers); it is in at most one block per term. Documents
  // are visited in id order, which is also the order of equal scores, so a document enters a
  // full top n only with a higher score than its last, theta. The blocks' cursors are kept in
  // id order; the pivot is the first cursor at which the blocks up to it could hold a document
  // matching every word and beating theta: no document before the pivot's can, so the cursors
  // before it skip to it. Once no pivot is left, nothing can change the top and reading stops.
  // At 100,000 topics a short word matches tens of thousands of documents; most are skipped.
  function rank(words, n) {
    var cursors = [], top = [], theta = -1;
    var wordMax = [], perTerm = [];
    words.forEach(function (w, i) {
      wordMax.push(new Array(w.terms).fill(0));
      perTerm.push(new Array(w.terms).fill(0));
      w.blocks.forEach(function (b) { b.word = i; if (b.s > wordMax[i][b.term]) wordMax[i][b.term] = b.s; cursors.push(b); });
    });
    var all = 0;
    wordMax.forEach(function (per) {
      var best = 0;
      per.forEach(function (s) { if (s > best) best = s; all += s; });
      all += 9 * best;
    });
    var best = new Array(words.length), sum = new Array(words.length);
    cursors.sort(byId);
    for (;;) {
      // The pivot: the first cursor whose blocks and the ones before it can beat theta.
      for (var i = 0; i < words.length; i++) { best[i] = 0; sum[i] = 0; perTerm[i].fill(0); }
      var missing = words.length, bound = 0, p = -1;
      for (var c = 0; c < cursors.length && cursors[c].id < END; c++) {
        var b = cursors[c], w = b.word, per = perTerm[w], old = per[b.term];
        if (best[w] === 0) missing--; // w's first block in the prefix
        if (b.s > old) {
          bound -= 9 * best[w] + sum[w];
          per[b.term] = b.s;
          sum[w] += b.s - old;
          if (b.s > best[w]) best[w] = b.s;
          bound += 9 * best[w] + sum[w];
        }
        if (missing === 0 && bound > theta) { p = c; break; }
      }
      if (p < 0) break;
      var d = cursors[p].id;
      if (cursors[0].id < d) {
        for (c = 0; c < p; c++) advance(cursors[c], d);
        cursors.sort(byId);
        continue;
      }
      // Every cursor up to the pivot is at d: score it from all the blocks at d.
      for (i = 0; i < words.length; i++) { best[i] = 0; sum[i] = 0; }
      for (c = 0; c < cursors.length && cursors[c].id === d; c++) {
        b = cursors[c];
        if (b.s > best[b.word]) best[b.word] = b.s;
        sum[b.word] += b.s;
        advance(b, d + 1);
      }
      cursors.sort(byId);
      var score = 0, matches = true;
      for (i = 0; i < words.length; i++) {
        if (best[i] === 0) matches = false;
        score += 9 * best[i] + sum[i];
      }
      if (!matches || (top.length === n && score <= theta)) continue;
      var k = top.length < n ? top.length : n - 1;
      while (k > 0 && top[k - 1][1] < score) { top[k] = top[k - 1]; k--; }
      top[k] = [d, score];
      if (top.length === n) {
        theta = top[n - 1][1];
        if (theta >= all) break;
      }
    }
    return top;
  }

  function byId(a, b) { return a.id - b.id; }

  // scoreAll ranks as rank does by scoring every match, and counts them on the way: the better
  // way when a query has many blocks (a two-letter prefix of a large estate's field names
  // matches hundreds of terms), where rank's pivot, found in a list of every block's cursor,
  // costs more than it saves. Words go rarest first, and a document stays a candidate only
  // while it matched every word so far (mark: how many). The per-document arrays are kept
  // between queries; only the documents a query touched are cleared.
  var scratch = null;
  function scoreAll(words, n) {
    if (!scratch) {
      scratch = { mark: new Int32Array(index.docs), best: new Int32Array(index.docs), sum: new Float64Array(index.docs),
        score: new Float64Array(index.docs) };
    }
    var mark = scratch.mark, best = scratch.best, sum = scratch.sum, score = scratch.score;
    var size = function (w) { return w.blocks.reduce(function (t, b) { return t + b.end - b.start; }, 0); };
    words = words.slice().sort(function (a, b) { return size(a) - size(b); });
    var touched = [], live = [];
    for (var i = 0; i < words.length; i++) {
      var blocks = words[i].blocks, next = [];
      for (var j = 0; j < blocks.length; j++) {
        var b = blocks[j], ids = b.ids, s = b.s, id = 0;
        for (var p = b.start; p < b.end; p++) {
          id = p === b.start ? ids[p] : id + ids[p];
          var m = mark[id];
          if (m === i) { mark[id] = i + 1; best[id] = s; sum[id] = s; next.push(id); }
          else if (m === i + 1) { if (s > best[id]) best[id] = s; sum[id] += s; }
        }
      }
      for (j = 0; j < next.length; j++) {
        id = next[j];
        score[id] = (i === 0 ? 0 : score[id]) + 9 * best[id] + sum[id];
      }
      if (i === 0) touched = next;
      live = next;
    }
    var top = [];
    for (i = 0; i < live.length; i++) {
      id = live[i];
      var sc = score[id], k = top.length < n ? top.length : n;
      while (k > 0 && (top[k - 1][1] < sc || (top[k - 1][1] === sc && top[k - 1][0] > id))) k--;
      if (k >= n) continue;
      top.splice(k, 0, [id, sc]);
      if (top.length > n) top.pop();
    }
    for (i = 0; i < touched.length; i++) mark[touched[i]] = 0;
    return { top: top, total: live.length };
  }

  // count is the number of documents matching every word. Without the top's early stop it reads
  // every posting once, so the page asks for it after showing the results.
  function count(words) {
    if (words.length === 1 && words[0].terms === 1) {
      return words[0].blocks.reduce(function (t, b) { return t + b.end - b.start; }, 0);
    }
    var mark = words.length < 255 ? new Uint8Array(index.docs) : new Uint16Array(index.docs), total = 0;
    for (var i = 0; i < words.length; i++) {
      var blocks = words[i].blocks, last = i + 1 === words.length;
      for (var j = 0; j < blocks.length; j++) {
        var b = blocks[j], ids = b.ids, id = 0;
        for (var p = b.start; p < b.end; p++) {
          id = p === b.start ? ids[p] : id + ids[p];
          if (mark[id] === i) { mark[id] = i + 1; if (last) total++; }
        }
      }
    }
    return total;
  }

  // search resolves to the best results for q (every word must match), as
  // {id, kind, title, cluster, context, url} (id: the document's number in the index), with
  // count(), the number of matches, and notes how long it took in kdocsSearch.lastQueryMs.
  function search(q) {
    var start = performance.now();
    var words = tokens(q);
    if (words.length === 0) return Promise.resolve(noResults());
    return bootstrap().then(function () {
      var needed = words.map(shardsFor);
      return Promise.all(needed.map(function (names) { return Promise.all(names.map(load)); }));
    }).then(function (shardsPerWord) {
      var loadedAt = performance.now();
      var perWord = words.map(function (w, i) { return wordBlocks(w, shardsPerWord[i]); });
      var blocks = perWord.reduce(function (t, w) { return t + w.blocks.length; }, 0);
      var all = blocks > window.kdocsSearch.rankBlocks ? scoreAll(perWord, maxResults) : null;
      var top = all ? all.top : rank(perWord, maxResults);
      var chunks = {};
      top.forEach(function (r) { chunks["d" + Math.floor(r[0] / index.chunk)] = true; });
      var rankedAt = performance.now();
      return Promise.all(Object.keys(chunks).map(load)).then(function () {
        var results = top.map(function (r) { return result(r[0]); });
        var total = all ? all.total : -1;
        results.count = function () {
          if (total < 0) {
            var t0 = performance.now();
            // rank moved the blocks' cursors; count reads the blocks from their starts.
            total = top.length < maxResults ? top.length : count(words.map(function (w, i) { return wordBlocks(w, shardsPerWord[i]); }));
            window.kdocsSearch.lastQuery.countMs = performance.now() - t0;
          }
          return total;
        };
        var end = performance.now();
        window.kdocsSearch.lastQueryMs = end - start;
        // Where the time went, for tests and curious readers: loading the term shards,
        // ranking, loading the result chunks (and counting the matches, once asked).
        window.kdocsSearch.lastQuery = { shardsMs: loadedAt - start, rankMs: rankedAt - loadedAt, chunksMs: end - rankedAt };
        return results;
      });
    });
  }

  function noResults() {
    var rs = [];
    rs.count = function () { return 0; };
    return rs;
  }

  function result(id) {
    var rec = loaded["d" + Math.floor(id / index.chunk)][id % index.chunk];
    var kind = rec[0], title = rec[1], c = rec[2], path = rec[3] || "", context = rec[4] || "";
    var cluster = c >= 0 ? index.clusters[c] : null;
    if (!path && cluster) {
      var base = cluster[1];
      path = { t: base + "topics/" + title, g: base + "groups/" + title, s: base + "schemas/" + title,
        f: base + "schemas/" + context }[kind] || "";
    }
    return { id: id, kind: kinds[kind] || "page", title: title, cluster: cluster ? cluster[0] : "", context: context,
      url: root + path + ".html" };
  }

  // --- The combobox ---------------------------------------------------------------------------

  var results = [];
  var shownFor = null; // the query whose results the list shows
  var active = -1;
  var timer = 0;
  var seq = 0;

  function setOpen(open) {
    list.hidden = !open;
    input.setAttribute("aria-expanded", open ? "true" : "false");
    if (!open) setActive(-1);
  }

  function setActive(i) {
    var options = list.querySelectorAll('[role="option"]:not([aria-disabled])');
    if (active >= 0 && options[active]) options[active].setAttribute("aria-selected", "false");
    active = i;
    if (i >= 0 && options[i]) {
      options[i].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", options[i].id);
      options[i].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function span(cls, text) {
    var s = document.createElement("span");
    s.className = cls;
    s.textContent = text; // names are untrusted: text, never markup
    return s;
  }

  function show(rs, q) {
    results = rs;
    shownFor = q;
    list.setAttribute("data-query", q); // which query the list answers (tests wait for it)
    active = -1;
    input.removeAttribute("aria-activedescendant");
    list.textContent = "";
    rs.forEach(function (r, i) {
      var li = document.createElement("li");
      li.id = "kdocs-search-option-" + i;
      li.className = "search-option";
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      // An option holds no link (an option with a focusable element inside is a nested
      // control to a screen reader): a click or Enter goes to its URL.
      li.dataset.href = new URL(r.url, document.baseURI).href;
      li.addEventListener("click", function () { window.location.href = r.url; });
      var a = document.createElement("span");
      a.className = "search-link";
      a.appendChild(span("search-kind search-kind-" + r.kind, r.kind));
      a.appendChild(span("search-title", r.title));
      var where = r.kind === "field" ? r.context + (r.cluster ? " · " + r.cluster : "") : r.cluster;
      if (where) a.appendChild(span("search-where", where));
      li.appendChild(a);
      list.appendChild(li);
    });
    if (rs.length === 0 && q) {
      // Inside the listbox only an option may stand (axe: aria-required-children): the message
      // is one that cannot be chosen.
      var none = document.createElement("li");
      none.className = "search-empty";
      none.setAttribute("role", "option");
      none.setAttribute("aria-disabled", "true");
      none.setAttribute("aria-selected", "false");
      none.textContent = tokens(q).length ? "No results" : "Type at least two letters";
      list.appendChild(none);
    }
    setOpen(q !== "");
    // The status says how many documents match; counting them reads every match, which ranking
    // the best did not need, so it runs in a task of its own once the list is shown.
    status.textContent = "";
    if (!rs.length) {
      status.textContent = q ? "No results" : "";
      return;
    }
    window.setTimeout(function () {
      if (results !== rs) return; // a newer query's list is shown
      var total = rs.count();
      status.textContent = (total > rs.length ? rs.length + " of " + total : rs.length) + (total === 1 ? " result" : " results");
    }, 0);
  }

  function run() {
    var q = input.value.trim();
    var mine = ++seq;
    if (!q) { show([], ""); return; }
    search(q).then(function (rs) {
      if (mine === seq) show(rs, q); // a newer query has the last word
    }, failed(mine));
  }

  function failed(mine) {
    return function (err) {
      if (mine !== seq) return;
      status.textContent = "Search is unavailable";
      console.error("kdocs: search failed:", err);
    };
  }

  input.addEventListener("input", function () {
    prefetch(input.value);
    window.clearTimeout(timer);
    timer = window.setTimeout(run, debounceMs);
  });
  // prefetch starts loading the term shards of what is typed so far, not after the debounce:
  // by the time the query runs, its shards have usually arrived. Failures are left to search.
  function prefetch(q) {
    var words = tokens(q);
    if (words.length === 0) return;
    bootstrap().then(function () {
      words.forEach(function (w) {
        shardsFor(w).forEach(function (name) { load(name).catch(function () {}); });
      });
    }).catch(function () {});
  }
  // Loading the bootstrap on focus hides its latency behind the first keystrokes.
  input.addEventListener("focus", function () {
    bootstrap().catch(function () { /* reported when a search runs */ });
    if (input.value.trim() && results.length) setOpen(true);
  });
  input.addEventListener("keydown", function (e) {
    var n = results.length;
    switch (e.key) {
      case "ArrowDown":
        e.preventDefault();
        if (list.hidden && input.value.trim()) setOpen(true);
        if (n) setActive((active + 1) % n);
        break;
      case "ArrowUp":
        e.preventDefault();
        if (n) setActive(active <= 0 ? n - 1 : active - 1);
        break;
      case "Enter":
        var q = input.value.trim();
        if (!q) break;
        e.preventDefault();
        if (q === shownFor) {
          if (n) window.location.href = results[active >= 0 ? active : 0].url;
          break;
        }
        // Typed faster than the debounce: answer this query now and open its best result.
        window.clearTimeout(timer);
        var mine = ++seq;
        search(q).then(function (rs) {
          if (mine !== seq) return;
          show(rs, q);
          if (rs.length) window.location.href = rs[0].url;
        }, failed(mine));
        break;
      case "Escape":
        if (!list.hidden) { setOpen(false); } else { input.value = ""; show([], ""); }
        break;
    }
  });
  // A click on an option follows its link; mousedown must not blur the input first.
  list.addEventListener("mousedown", function (e) { e.preventDefault(); });
  document.addEventListener("click", function (e) {
    if (!box.contains(e.target)) setOpen(false);
  });
  document.addEventListener("keydown", function (e) {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    e.preventDefault();
    input.focus();
    input.select();
  });
  box.hidden = false;
  // The bootstrap (2 kB for 10,000 topics) is loaded with the page, not when the first query
  // needs it: the first query then waits only for its term shards and result chunks.
  bootstrap().catch(function () { /* reported when a search runs */ });
})();
