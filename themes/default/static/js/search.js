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
    lastQueryMs: 0
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
      if (data.v !== 2) throw new Error("search index format " + data.v + " is not supported by this page");
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

  // postings decodes a term's entry once: ascending ids (delta-encoded) and one weight digit each.
  function postings(entry) {
    if (entry.ids) return entry;
    var deltas = entry[0], weights = entry[1];
    var ids = new Int32Array(deltas.length), id = 0;
    for (var i = 0; i < deltas.length; i++) { id += deltas[i]; ids[i] = id; }
    entry.ids = ids;
    entry.weights = weights;
    return entry;
  }

  // scoreToken scores each document matching token: the best matching term's weight there
  // (full for the exact word, less the more of the term the token leaves unsaid), plus a tenth
  // of its other matching terms' (orders.order-created before fraud.order-failed for "order").
  // Scores live in arrays indexed by document id, -1 for no match, with the matching ids in
  // hit: at 100,000 topics a short word matches tens of thousands of documents, and a Map of
  // per-document arrays spent most of the query's time allocating.
  function scoreToken(token, shards) {
    var best = new Float64Array(index.docs).fill(-1), sum = new Float64Array(index.docs), hit = [];
    shards.forEach(function (shard) {
      for (var term in shard) {
        if (term.lastIndexOf(token, 0) !== 0) continue;
        var factor = term === token ? 2 : 1 + token.length / term.length * 0.5;
        var p = postings(shard[term]);
        for (var i = 0; i < p.ids.length; i++) {
          var id = p.ids[i], s = (p.weights.charCodeAt(i) - 48) * factor;
          if (best[id] < 0) { best[id] = s; sum[id] = s; hit.push(id); }
          else { if (s > best[id]) best[id] = s; sum[id] += s; }
        }
      }
    });
    for (var i = 0; i < hit.length; i++) {
      var id = hit[i];
      best[id] = best[id] + 0.1 * (sum[id] - best[id]);
    }
    return { size: hit.length, hit: hit, score: best };
  }

  // before orders results: the higher score first; ties by id, which the build orders by kind
  // and name length.
  function before(a, b) { return b[1] - a[1] || a[0] - b[0]; }

  // keepTop inserts r into top, the best n results so far in order, if it belongs there.
  function keepTop(top, r, n) {
    if (top.length === n && before(r, top[n - 1]) >= 0) return;
    var i = top.length < n ? top.length : n - 1;
    while (i > 0 && before(r, top[i - 1]) < 0) { top[i] = top[i - 1]; i--; }
    top[i] = r;
  }

  // search resolves to the best results for q (every word must match), as
  // {kind, title, cluster, context, url}, and notes how long it took in kdocsSearch.lastQueryMs.
  function search(q) {
    var start = performance.now();
    var words = tokens(q);
    if (words.length === 0) return Promise.resolve([]);
    return bootstrap().then(function () {
      var needed = words.map(shardsFor);
      return Promise.all(needed.map(function (names) { return Promise.all(names.map(load)); }));
    }).then(function (shardsPerWord) {
      var loadedAt = performance.now();
      // Rarest word first: the others only filter its matches.
      var perWord = words.map(function (w, i) { return scoreToken(w, shardsPerWord[i]); });
      perWord.sort(function (a, b) { return a.size - b.size; });
      // Only the best maxResults are kept in order: sorting every match of a short word
      // was most of the ranking's time at 100,000 topics.
      var top = [], total = 0, first = perWord[0];
      matches: for (var i = 0; i < first.hit.length; i++) {
        var id = first.hit[i], score = first.score[id];
        for (var j = 1; j < perWord.length; j++) {
          var s = perWord[j].score[id];
          if (s < 0) continue matches;
          score += s;
        }
        total++;
        keepTop(top, [id, score], maxResults);
      }
      var chunks = {};
      top.forEach(function (r) { chunks["d" + Math.floor(r[0] / index.chunk)] = true; });
      var rankedAt = performance.now();
      return Promise.all(Object.keys(chunks).map(load)).then(function () {
        var results = top.map(function (r) { return result(r[0]); });
        results.total = total;
        var end = performance.now();
        window.kdocsSearch.lastQueryMs = end - start;
        // Where the time went, for tests and curious readers: loading the term shards,
        // ranking, loading the result chunks.
        window.kdocsSearch.lastQuery = { shardsMs: loadedAt - start, rankMs: rankedAt - loadedAt, chunksMs: end - rankedAt };
        return results;
      });
    });
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
    return { kind: kinds[kind] || "page", title: title, cluster: cluster ? cluster[0] : "", context: context,
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
    status.textContent = rs.length ? (rs.total > rs.length ? rs.length + " of " + rs.total : rs.length) +
      (rs.total === 1 ? " result" : " results") : (q ? "No results" : "");
    setOpen(q !== "");
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
