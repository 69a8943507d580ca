#!/usr/bin/env node
// Folder-level import cycles in coordinator/src (a folder is a feature). Exit 1 naming each cycle and the
// imports that close it. No dependency: relative imports are read with a regex, type-only ones included,
// since they couple features as much as value imports do.
'use strict';
const fs = require('fs');
const path = require('path');

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm;

/** Folder of a module under `src`: its first path segment, or '.' for a file directly in src. */
const folderOf = (rel, files) => (rel.includes('/') || !files.has(`${rel}.ts`) ? rel.split('/')[0] : '.');
const TYPE_ONLY = /^\s*(?:import|export)\s+type\b/;

/**
 * Edges between folders, each with one import that makes it (a value import if there is one):
 * Map<from, Map<to, 'file -> specifier'>>, the example suffixed ' (type only)' when every such import is.
 */
function folderGraph(files /* [{ rel, source }] with rel relative to src, '/'-separated */) {
  const names = new Set(files.map((f) => f.rel));
  const graph = new Map();
  for (const { rel, source } of files) {
    const from = folderOf(rel, names);
    if (!graph.has(from)) graph.set(from, new Map());
    for (const m of source.matchAll(IMPORT)) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(rel), m[1]));
      if (target.startsWith('..')) continue;
      const to = folderOf(target, names);
      if (to === from) continue;
      const statementStart = source.lastIndexOf(';', m.index) + 1;
      const typeOnly = TYPE_ONLY.test(source.slice(statementStart, m.index).replace(/^(\s|\/\/[^\n]*\n)*/, ''));
      const example = `${rel} -> ${m[1]}${typeOnly ? ' (type only)' : ''}`;
      const known = graph.get(from).get(to);
      if (!known || (known.endsWith(' (type only)') && !typeOnly)) graph.get(from).set(to, example);
    }
  }
  return graph;
}

/** Strongly connected components of more than one folder (Tarjan), each sorted; the list sorted too. */
function folderCycles(graph) {
  let index = 0;
  const idx = new Map(),
    low = new Map(),
    stack = [],
    on = new Set(),
    out = [];
  const visit = (v) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of (graph.get(v) ?? new Map()).keys()) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const scc = [];
      let w;
      do {
        w = stack.pop();
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) visit(v);
  return out.sort((a, b) => a[0].localeCompare(b[0]));
}

function readTree(srcDir) {
  return fs
    .readdirSync(srcDir, { recursive: true })
    .map((f) => f.split(path.sep).join('/'))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))
    .map((rel) => ({ rel, source: fs.readFileSync(path.join(srcDir, rel), 'utf8') }));
}

module.exports = { folderGraph, folderCycles, readTree };

if (require.main === module) {
  const src = path.resolve(__dirname, '..', process.argv[2] ?? 'coordinator/src');
  const graph = folderGraph(readTree(src));
  const cycles = folderCycles(graph);
  for (const scc of cycles) {
    console.log(`folders importing each other, directly or through others: ${scc.join(', ')}`);
    for (const from of scc)
      for (const [to, via] of graph.get(from)) if (scc.includes(to)) console.log(`  ${from} -> ${to}  (${via})`);
  }
  const pairs = [...graph].flatMap(([a, out]) =>
    [...out.keys()].filter((b) => a < b && graph.get(b)?.has(a)).map((b) => [a, b]),
  );
  if (pairs.length) console.log(`of which direct pairs: ${pairs.map(([a, b]) => `${a} <-> ${b}`).join(', ')}`);
  if (cycles.length) {
    console.log(`${cycles.length} folder-level import cycle(s) in ${path.relative(process.cwd(), src)}`);
    process.exit(1);
  }
  console.log(`no folder-level import cycles in ${path.relative(process.cwd(), src) || src}`);
}
