/* blastradius report: search, filters and sorting of the table, and the
 * graph of the selected row's paths (Cytoscape.js with the dagre layout).
 * Every string comes from the page data and is set as text, never as
 * markup. */
(function () {
  'use strict';

  var dataEl = document.getElementById('br-data');
  if (!dataEl) { return; }
  var data = JSON.parse(dataEl.textContent);
  var S = data.s;
  var diffMode = data.mode === 'diff';
  var PAGE = 200;
  var ROW_SEVERITY = { high: 0, medium: 1, low: 2, info: 3 };

  document.documentElement.classList.remove('nojs');
  document.documentElement.classList.add('js');

  function byId(id) { return document.getElementById(id); }

  // el builds an element; children are nodes or strings (set as text).
  function el(tag, cls, children) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    (children || []).forEach(function (c) {
      if (c === null || c === undefined) { return; }
      e.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
    });
    return e;
  }

  function clear(e) { while (e.firstChild) { e.removeChild(e.firstChild); } }

  function plural(n, one, many) { return n === 1 ? one : many; }

  function fmt(x) { return (Math.round(x * 10) / 10).toString(); }

  function short(s, n) { return s.length > n ? s.slice(0, n - 1) + '…' : s; }

  // ---- table ------------------------------------------------------------

  var rows = data.rows;
  var table = byId('rows');
  // The rows are drawn from the data (the static table may hold only the
  // first ones), each when first shown.
  var trs = [];
  var tbody = null;
  if (rows.length > 0) {
    table.querySelectorAll('tbody').forEach(function (t) { t.parentNode.removeChild(t); });
    tbody = document.createElement('tbody');
    table.appendChild(tbody);
    tbody.addEventListener('click', function (ev) {
      var tr = ev.target.closest('tr[data-row]');
      if (tr) { select(+tr.getAttribute('data-row'), false); }
    });
    tbody.addEventListener('keydown', function (ev) {
      var tr = ev.target.closest('tr[data-row]');
      if (tr && ev.key === 'Enter') { select(+tr.getAttribute('data-row'), false); }
    });
  }

  function td(cls, children) { return el('td', cls, children); }

  function scopeCodes(list, more, cond) {
    var out = [];
    (list || []).forEach(function (s) {
      out.push(el('code', cond ? 'scope cond' : 'scope', [S[s] + (cond ? '?' : '')]), ' ');
    });
    if (more > 0) { out.push(el('span', 'muted', ['+' + more + ' more' + (cond ? '?' : '')]), ' '); }
    return out;
  }

  // rowElement draws row i as the page's template does.
  function rowElement(i) {
    if (trs[i]) { return trs[i]; }
    var r = rows[i];
    var tr;
    if (diffMode) {
      tr = el('tr', null, [
        td('num', [String(i + 1)]),
        td(null, [el('span', 'sev sev-' + S[r.sv], [S[r.sv]])]),
        td(null, [el('code', null, [S[r.fk]])]),
        td(null, [el('span', 'name', [S[r.n]]), el('br'), el('code', 'id', [S[r.i]])]),
        td(null, [S[r.m], r.pt ? ' ' : null, r.pt ? el('span', 'muted', ['(partial)']) : null])
      ]);
    } else {
      var name = [el('span', 'name', [S[r.n]])];
      if (r.h) { name.push(' ', el('span', 'tag nh', ['non-human'])); }
      name.push(el('br'), el('code', 'id', [S[r.i]]), el('br'), el('span', 'tag', [S[r.p]]), ' ', el('span', 'tag', [S[r.k]]));
      var b = r.b || [0, 0, 0, 0];
      var brk = 'identities ' + b[0] + ' + resources ' + b[1] + ' + admin scopes ' + b[2];
      if (b[3] > 0) { brk += ' (' + b[3] + ' conditional admin scopes, not scored)'; }
      var admin = scopeCodes(r.ao, (r.a || 0) - (r.ao ? r.ao.length : 0), false)
        .concat(scopeCodes(r.co, (r.c || 0) - (r.co ? r.co.length : 0), true));
      if (admin.length === 0) { admin = [el('span', 'muted', ['-'])]; }
      var ni = r.ni || 0;
      var nr = r.nr || 0;
      var reach = [ni + ' ' + plural(ni, 'identity', 'identities'), el('br'), nr + ' ' + plural(nr, 'resource', 'resources')];
      if (r.cut) { reach.push(el('br'), el('span', 'muted', ['lists cut'])); }
      tr = el('tr', null, [
        td('num', [String(r.r)]),
        td(null, name),
        td('num', [el('b', null, [r.sc.toFixed(1)]), el('div', 'brk', [brk])]),
        td(null, admin),
        td(null, reach),
        td(null, [])
      ]);
    }
    tr.setAttribute('data-row', String(i));
    tr.tabIndex = 0;
    trs[i] = tr;
    return tr;
  }

  var q = byId('q');
  var count = byId('count');
  var hay = [];
  function haystack(i) {
    if (hay[i] === undefined) {
      var r = rows[i];
      hay[i] = (S[r.i] + '\n' + S[r.n] + (diffMode ? '\n' + S[r.m] : '')).toLowerCase();
    }
    return hay[i];
  }

  var selects = diffMode ? [
    { el: byId('f-severity'), get: function (r) { return S[r.sv]; }, order: function (a, b) { return ROW_SEVERITY[a] - ROW_SEVERITY[b]; } },
    { el: byId('f-finding'), get: function (r) { return S[r.fk]; } },
    { el: byId('f-provider'), get: function (r) { return S[r.p]; } }
  ] : [
    { el: byId('f-provider'), get: function (r) { return S[r.p]; } },
    { el: byId('f-kind'), get: function (r) { return S[r.k]; } }
  ];
  selects.forEach(function (f) {
    var seen = {};
    rows.forEach(function (r) { seen[f.get(r)] = true; });
    Object.keys(seen).sort(f.order).forEach(function (v) {
      var o = el('option', null, [v === '' ? '(none)' : v]);
      o.value = v;
      f.el.appendChild(o);
    });
  });
  var human = byId('f-human');
  var admin = byId('f-admin');

  var sortKeys = {
    rank: function (r) { return r.r; },
    name: function (r) { return S[r.n].toLowerCase(); },
    score: function (r) { return r.sc; },
    admin: function (r) { return (r.a || 0) * 1e6 + (r.c || 0); },
    reach: function (r) { return (r.nr || 0) * 1e6 + (r.ni || 0); },
    severity: function (r) { return ROW_SEVERITY[S[r.sv]]; },
    finding: function (r) { return S[r.fk]; }
  };
  var sortBy = 'rank';
  var sortDir = 1;
  var view = [];
  var shown = PAGE;
  var selected = -1;

  function matches(i) {
    var r = rows[i];
    for (var k = 0; k < selects.length; k++) {
      var v = selects[k].el.value;
      if (v !== '' && selects[k].get(r) !== v) { return false; }
    }
    if (human && human.value === 'nh' && !r.h) { return false; }
    if (human && human.value === 'h' && r.h) { return false; }
    if (admin) {
      var a = r.a > 0;
      var c = r.c > 0;
      switch (admin.value) {
        case 'admin': if (!a) { return false; } break;
        case 'cond': if (!c) { return false; } break;
        case 'any': if (!a && !c) { return false; } break;
        case 'none': if (a || c) { return false; } break;
      }
    }
    var text = q.value.trim().toLowerCase();
    return text === '' || haystack(i).indexOf(text) >= 0;
  }

  function refresh() {
    if (!tbody) { return; }
    view = [];
    for (var i = 0; i < rows.length; i++) {
      if (matches(i)) { view.push(i); }
    }
    var key = sortKeys[sortBy];
    view.sort(function (x, y) {
      var a = key(rows[x]);
      var b = key(rows[y]);
      if (a < b) { return -sortDir; }
      if (a > b) { return sortDir; }
      return rows[x].r - rows[y].r;
    });
    render();
  }

  function render() {
    clear(tbody);
    var frag = document.createDocumentFragment();
    var n = Math.min(shown, view.length);
    for (var k = 0; k < n; k++) { frag.appendChild(rowElement(view[k])); }
    if (view.length > n) {
      var more = el('button', 'more', ['show ' + Math.min(PAGE, view.length - n) + ' more']);
      more.type = 'button';
      more.addEventListener('click', function () { shown += PAGE; render(); });
      var td = el('td', null, [more]);
      td.colSpan = 6;
      frag.appendChild(el('tr', null, [td]));
    }
    tbody.appendChild(frag);
    count.textContent = view.length === rows.length
      ? rows.length + ' ' + plural(rows.length, 'row', 'rows')
      : view.length + ' of ' + rows.length + ' ' + plural(rows.length, 'row', 'rows') + ' match';
  }

  function onFilter() { shown = PAGE; refresh(); }
  q.addEventListener('input', onFilter);
  selects.forEach(function (f) { f.el.addEventListener('change', onFilter); });
  if (human) { human.addEventListener('change', onFilter); }
  if (admin) { admin.addEventListener('change', onFilter); }

  table.querySelectorAll('th[data-sort]').forEach(function (th) {
    th.tabIndex = 0;
    function sort() {
      var key = th.getAttribute('data-sort');
      if (sortBy === key) {
        sortDir = -sortDir;
      } else {
        sortBy = key;
        sortDir = (key === 'score' || key === 'admin' || key === 'reach') ? -1 : 1;
      }
      table.querySelectorAll('th[data-sort]').forEach(function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', sortDir > 0 ? 'ascending' : 'descending');
      refresh();
    }
    th.addEventListener('click', sort);
    th.addEventListener('keydown', function (ev) { if (ev.key === 'Enter') { sort(); } });
  });

  // ---- detail and graph -------------------------------------------------

  var head = byId('d-head');
  var graphBox = byId('graph');
  var evidence = byId('evidence');
  var pathsList = byId('d-paths');
  var resBox = byId('d-res');
  var insideBox = byId('d-inside');
  var fitButton = byId('d-fit');
  var graphCount = byId('d-count');
  var cy = null;
  var current = null; // the graph shown
  var rowOfID = {};
  rows.forEach(function (r, i) { if (rowOfID[S[r.i]] === undefined) { rowOfID[S[r.i]] = i; } });

  var SHAPES = { identity: 'ellipse', group: 'diamond', scope: 'hexagon', resource: 'round-rectangle', policy: 'rectangle' };

  function colorOf(provider) { return data.colors[provider] || data.unknown; }

  function nodeName(g, k) { return S[g.n[k][1]] || S[g.n[k][0]]; }

  function edgeKind(g, e) {
    if (e[4] & 2) { return 'access'; }
    var t = S[e[2]];
    if (t === 'group-membership') { return 'member'; }
    if (S[g.n[e[1]][4]] === 'scope') { return 'admin'; }
    return 'become';
  }

  function select(i, scroll) {
    if (i < 0 || i >= rows.length) { return; }
    if (selected >= 0 && trs[selected]) { trs[selected].classList.remove('sel'); }
    selected = i;
    var tr = rowElement(i);
    tr.classList.add('sel');
    if (scroll) {
      var pos = view.indexOf(i);
      if (pos >= shown) { shown = pos + 1; render(); }
      if (tr.parentNode) { tr.scrollIntoView({ block: 'center' }); }
    }
    if (history.replaceState) {
      try { history.replaceState(null, '', '#' + encodeURIComponent(S[rows[i].i])); } catch (e) { /* an opaque origin */ }
    }
    showDetail(i);
  }

  function tags(r) {
    var list = [el('span', 'tag', [S[r.p] || 'unknown provider']), ' ', el('span', 'tag', [S[r.k] || 'unknown kind'])];
    if (r.h) { list.push(' ', el('span', 'tag nh', ['non-human'])); }
    return el('div', null, list);
  }

  function scopeList(ids, cond) {
    var d = el('div', null, []);
    ids.forEach(function (s) {
      d.appendChild(el('code', cond ? 'scope cond' : 'scope', [S[s] + (cond ? '?' : '')]));
      d.appendChild(document.createTextNode(' '));
    });
    return d;
  }

  function showDetail(i) {
    var r = rows[i];
    var g = r.g >= 0 ? data.graphs[r.g] : null;
    clear(head);
    head.appendChild(el('h2', null, [S[r.n]]));
    head.appendChild(el('code', 'id', [S[r.i]]));
    head.appendChild(tags(r));
    if (diffMode) {
      var ul = el('ul', null, []);
      rows.forEach(function (f) {
        if (f.i === r.i) { ul.appendChild(el('li', null, [el('span', 'sev sev-' + S[f.sv], [S[f.sv]]), ' ', S[f.m]])); }
      });
      head.appendChild(ul);
    } else {
      var line = ['score ', el('b', null, [fmt(r.sc)])];
      if (r.b) {
        line.push(' = identities ' + fmt(r.b[0]) + ' + resources ' + fmt(r.b[1]) + ' + admin scopes ' + fmt(r.b[2]));
        if (r.b[3] > 0) { line.push(' (' + r.b[3] + ' conditional admin scopes, not scored)'); }
      }
      var ni = r.ni || 0;
      var nr = r.nr || 0;
      line.push(' · ' + ni + ' ' + plural(ni, 'identity', 'identities') + ', ' + nr + ' ' + plural(nr, 'resource', 'resources'));
      head.appendChild(el('p', null, line));
      if (g && (g.ao || g.co)) {
        head.appendChild(el('div', null, ['administrator of:']));
        if (g.ao) { head.appendChild(scopeList(g.ao, false)); }
        if (g.co) { head.appendChild(scopeList(g.co, true)); }
      }
      if (g && g.hf) {
        var hf = el('ul', null, []);
        g.hf.forEach(function (f) { hf.appendChild(el('li', null, [S[f]])); });
        head.appendChild(hf);
      }
    }
    if (g && g.cut) {
      head.appendChild(el('p', 'muted', ['Lists cut at 100 entries (--detail summary): analyze with --detail full for every path.']));
    }
    clear(pathsList);
    evidence.replaceChildren(el('span', 'muted', ['Click a hop or a node to see its evidence.']));
    if (cy) { cy.destroy(); cy = null; }
    current = g;
    if (!g) {
      graphCount.textContent = '';
      graphBox.replaceChildren(el('p', 'muted', [
        'The graph of this identity is not embedded in this page (only the first ' + data.graph_limit +
        ' identities carry theirs). Draw it with: blastradius viz SNAP… --focus ' + S[r.i] + ' --format html -o FILE']));
      return;
    }
    clear(graphBox);
    drawGraph(g);
    listPaths(g);
  }

  function elements(g) {
    var els = [];
    // A node is inside an admin scope when every edge into it is.
    var into = [];
    var outside = [];
    g.e.forEach(function (e) {
      into[e[1]] = true;
      if (!(e[4] & 16)) { outside[e[1]] = true; }
    });
    g.n.forEach(function (n, k) {
      var base = S[n[4]] || 'other';
      var cls = base;
      if (k !== 0 && into[k] && !outside[k]) { cls += ' inside'; }
      var kind = S[n[2]] || base;
      els.push({
        group: 'nodes',
        data: { id: 'n' + k, k: k, label: short(S[n[1]] || S[n[0]], 40) + '\n' + kind, color: colorOf(S[n[3]]), shape: SHAPES[base] || 'tag' },
        classes: (k === 0 ? 'root ' : '') + cls
      });
    });
    g.e.forEach(function (e, k) {
      var kind = edgeKind(g, e);
      var label = S[e[2]];
      if (e[4] & 1) { label += ' ?'; }
      var cls = kind;
      if (e[4] & 1) { cls += ' cond'; }
      if (e[4] & 4) { cls += ' gained'; }
      if (e[4] & 8) { cls += ' indirect'; }
      if (e[4] & 16) { cls += ' inside'; }
      els.push({
        group: 'edges',
        data: { id: 'e' + k, k: k, source: 'n' + e[0], target: 'n' + e[1], label: short(label, 48), color: data.edge_colors[kind] },
        classes: cls
      });
    });
    return els;
  }

  var STYLE = [
    { selector: 'node', style: {
      'background-color': 'data(color)', 'shape': 'data(shape)', 'label': 'data(label)', 'width': 26, 'height': 26,
      'border-width': 1, 'border-color': '#374151', 'font-size': 11, 'text-wrap': 'wrap', 'text-max-width': 160,
      'text-valign': 'bottom', 'text-margin-y': 3, 'color': '#111827', 'text-background-color': '#ffffff',
      'text-background-opacity': 0.75, 'text-background-padding': 1 } },
    { selector: 'node.root', style: { 'border-width': 4, 'border-color': '#111827', 'width': 34, 'height': 34 } },
    { selector: 'node.scope', style: { 'width': 34, 'height': 30 } },
    { selector: 'edge', style: {
      'width': 1.6, 'line-color': 'data(color)', 'target-arrow-color': 'data(color)', 'target-arrow-shape': 'triangle',
      'curve-style': 'bezier', 'label': 'data(label)', 'font-size': 10, 'color': '#374151', 'text-rotation': 'autorotate',
      'text-background-color': '#ffffff', 'text-background-opacity': 0.85, 'text-background-padding': 1 } },
    { selector: 'edge.admin', style: { 'width': 3 } },
    { selector: 'edge.cond', style: { 'line-style': 'dashed' } },
    { selector: 'edge.indirect', style: { 'line-style': 'dotted' } },
    { selector: 'edge.gained', style: { 'width': 2.4 } },
    { selector: '.hidden', style: { 'display': 'none' } },
    { selector: '.faded', style: { 'opacity': 0.18 } },
    { selector: 'edge.hl', style: { 'width': 4 } },
    { selector: ':selected', style: { 'overlay-color': '#2563eb', 'overlay-opacity': 0.18 } }
  ];

  function layout() {
    if (!cy) { return; }
    cy.elements().not('.hidden').layout({
      name: 'dagre', rankDir: 'LR', nodeSep: 40, edgeSep: 10, rankSep: 125, fit: true, padding: 18, animate: false
    }).run();
  }

  // applyToggles hides resources and what admin scopes hold, as the boxes say.
  function applyToggles() {
    if (!cy) { return; }
    cy.batch(function () {
      cy.elements().removeClass('hidden');
      if (!insideBox.checked) {
        cy.elements('.inside').addClass('hidden');
      }
      if (!resBox.checked) {
        var res = cy.nodes('.resource');
        res.addClass('hidden');
        res.connectedEdges().addClass('hidden');
      }
      cy.nodes('.hidden').connectedEdges().addClass('hidden');
    });
    layout();
    var hidden = cy.nodes('.hidden').length;
    graphCount.textContent = cy.nodes().not('.hidden').length + ' nodes, ' + cy.edges().not('.hidden').length + ' edges' +
      (hidden > 0 ? ' (' + hidden + ' hidden)' : '');
  }

  function drawGraph(g) {
    var els = elements(g);
    var resources = 0;
    var inside = 0;
    els.forEach(function (x) {
      if (x.group !== 'nodes') { return; }
      if (/\binside\b/.test(x.classes)) { inside++; } else if (/\bresource\b/.test(x.classes)) { resources++; }
    });
    resBox.checked = resources <= 25;
    resBox.disabled = resources === 0;
    insideBox.checked = false;
    insideBox.disabled = inside === 0;
    cy = cytoscape({ container: graphBox, elements: els, style: STYLE, minZoom: 0.05, maxZoom: 4, boxSelectionEnabled: false });
    cy.on('tap', 'edge', function (ev) { showEdge(ev.target.data('k')); });
    cy.on('tap', 'node', function (ev) { showNode(ev.target.data('k')); });
    applyToggles();
  }

  function dl(pairs) {
    var d = el('dl', null, []);
    pairs.forEach(function (p) {
      if (p[1] === null || p[1] === undefined || p[1] === '') { return; }
      d.appendChild(el('dt', null, [p[0]]));
      d.appendChild(el('dd', null, [p[1]]));
    });
    return d;
  }

  function nodeText(g, k) {
    var id = S[g.n[k][0]];
    var name = nodeName(g, k);
    return name === id ? id : name + ' (' + id + ')';
  }

  function showEdge(k) {
    var g = current;
    var e = g.e[k];
    var cond = (e[4] & 1) !== 0;
    var pairs = [['from', nodeText(g, e[0])], ['to', nodeText(g, e[1])]];
    if (e[4] & 2) {
      pairs.push(['access', S[e[2]]]);
      var via = e[5] >= 0 ? S[e[5]] : '';
      pairs.push(['reached through', via]);
      pairs.push(['evidence', 'The analysis reaches this resource through ' + (via || 'the identity') +
        '; "blastradius paths SNAP… --from ' + S[g.n[0][0]] + ' --to ' + S[g.n[e[1]][0]] + '" shows each hop with its evidence.']);
    } else if (e[4] & 4) {
      pairs.push(['change', 'gained since the baseline (the report gives no path)']);
    } else {
      pairs.push(['technique', S[e[2]]]);
      pairs.push(['evidence', e[3] >= 0 ? S[e[3]] : 'none recorded']);
    }
    if (e[4] & 4 && e[4] & 2) { pairs.push(['change', 'gained since the baseline']); }
    pairs.push(['certainty', cond ? 'conditional: depends on a condition the analysis cannot decide' : 'certain']);
    evidence.replaceChildren(dl(pairs));
  }

  function showNode(k) {
    var g = current;
    var n = g.n[k];
    var pairs = [['name', S[n[1]]], ['id', S[n[0]]], ['kind', S[n[2]] || S[n[4]]], ['provider', S[n[3]] || 'unknown']];
    var box = dl(pairs);
    var i = rowOfID[S[n[0]]];
    if (k !== 0 && i !== undefined) {
      var open = el('button', 'more', ['open its row']);
      open.type = 'button';
      open.addEventListener('click', function () { select(i, true); });
      box.appendChild(open);
    }
    evidence.replaceChildren(box);
  }

  function highlight(p, li) {
    pathsList.querySelectorAll('li.sel').forEach(function (x) { x.classList.remove('sel'); });
    li.classList.add('sel');
    var g = current;
    if (cy) {
      var reveal = false;
      p.e.forEach(function (k) {
        var edge = cy.getElementById('e' + k);
        if (edge.hasClass('hidden')) {
          reveal = true;
          if (edge.hasClass('inside')) { insideBox.checked = true; }
          if (edge.connectedNodes().is('.resource')) { resBox.checked = true; }
        }
      });
      if (reveal) { applyToggles(); }
      cy.batch(function () {
        cy.elements().addClass('faded').removeClass('hl');
        p.e.forEach(function (k) {
          var edge = cy.getElementById('e' + k);
          edge.removeClass('faded').addClass('hl');
          edge.connectedNodes().removeClass('faded');
        });
        cy.getElementById('n0').removeClass('faded');
      });
    }
    var ol = el('ol', null, []);
    p.e.forEach(function (k) {
      var e = g.e[k];
      ol.appendChild(el('li', null, [
        nodeName(g, e[0]) + ' → ' + nodeName(g, e[1]) + ' by ', el('span', 'tech', [S[e[2]]]),
        (e[4] & 1) ? ' (conditional)' : '', el('div', 'hops', [e[3] >= 0 ? S[e[3]] : ''])
      ]));
    });
    evidence.replaceChildren(el('div', null, ['Path to ' + nodeText(g, p.t) + ':']), ol);
  }

  function listPaths(g) {
    byId('d-paths-title').textContent = g.p.length + ' ' + plural(g.p.length, 'path', 'paths');
    g.p.forEach(function (p) {
      var li = el('li', null, [
        '→ ', el('b', null, [nodeName(g, p.t)]), ' ', el('span', 'tech', [S[p.q]]),
        ' · ' + p.e.length + ' ' + plural(p.e.length, 'hop', 'hops'), p.c ? ' · conditional' : ''
      ]);
      li.tabIndex = 0;
      li.addEventListener('click', function () { highlight(p, li); });
      li.addEventListener('keydown', function (ev) { if (ev.key === 'Enter') { highlight(p, li); } });
      pathsList.appendChild(li);
    });
  }

  resBox.addEventListener('change', applyToggles);
  insideBox.addEventListener('change', applyToggles);
  fitButton.addEventListener('click', function () {
    if (cy) { cy.elements().removeClass('faded hl'); cy.fit(undefined, 18); }
  });

  // A hook for tests and for the console: select a row by identity ID, and
  // the graph shown.
  window.blastradiusReport = {
    select: function (id) { var i = rowOfID[id]; if (i === undefined) { return false; } select(i, true); return true; },
    graph: function () { return cy; },
    selected: function () { return selected >= 0 ? S[rows[selected].i] : null; }
  };

  refresh();
  if (rows.length === 0) {
    byId('detail').hidden = true;
  } else {
    var start = -1;
    var hash = '';
    try { hash = decodeURIComponent(location.hash.slice(1)); } catch (e) { hash = ''; }
    if (hash !== '' && rowOfID[hash] !== undefined) {
      start = rowOfID[hash];
    } else if (data.focus >= 0) {
      start = data.focus;
    } else {
      start = view.length > 0 ? view[0] : 0;
    }
    select(start, start !== 0);
  }
}());
