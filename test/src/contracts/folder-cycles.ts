import * as fs from 'fs';
import * as path from 'path';

/**
 * Folder-level import cycles in coordinator/src (a folder is a feature). No dependency: relative imports are
 * read with a regex, type-only ones included, since they couple features as much as value imports do.
 * Run: `npm run check:cycles` (exit 1 naming each cycle and the imports that close it).
 */
export type FolderGraph = Map<string, Map<string, string>>;
export interface SourceFile {
  /** Path relative to src, '/'-separated. */
  rel: string;
  source: string;
}

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm;
const TYPE_ONLY = /^\s*(?:import|export)\s+type\b/;
const TYPE_SUFFIX = ' (type only)';

/** Folder of a module under src: its first path segment, or '.' for a file directly in src. */
const folderOf = (rel: string, files: Set<string>) =>
  rel.includes('/') || !files.has(`${rel}.ts`) ? rel.split('/')[0] : '.';

/** Edges between folders, each with one import that makes it (a value import if there is one). */
export function folderGraph(files: SourceFile[]): FolderGraph {
  const names = new Set(files.map((f) => f.rel));
  const graph: FolderGraph = new Map();
  for (const { rel, source } of files) {
    const from = folderOf(rel, names);
    const out = graph.get(from) ?? new Map<string, string>();
    graph.set(from, out);
    for (const m of source.matchAll(IMPORT)) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(rel), m[1]));
      const to = folderOf(target, names);
      if (target.startsWith('..') || to === from) continue;
      const statement = source.slice(source.lastIndexOf(';', m.index) + 1, m.index);
      const typeOnly = TYPE_ONLY.test(statement.replace(/^(\s|\/\/[^\n]*\n)*/, ''));
      const known = out.get(to);
      if (!known || (known.endsWith(TYPE_SUFFIX) && !typeOnly))
        out.set(to, `${rel} -> ${m[1]}${typeOnly ? TYPE_SUFFIX : ''}`);
    }
  }
  return graph;
}

/** Strongly connected components of more than one folder (Tarjan), each sorted, the list sorted too. */
export function folderCycles(graph: FolderGraph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) found.push(component.sort());
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return found.sort((a, b) => a[0].localeCompare(b[0]));
}

export function readTree(srcDir: string): SourceFile[] {
  return (fs.readdirSync(srcDir, { recursive: true }) as string[])
    .map((f) => f.split(path.sep).join('/'))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))
    .map((rel) => ({ rel, source: fs.readFileSync(path.join(srcDir, rel), 'utf8') }));
}

/** The report `npm run check:cycles` prints; empty when there is no cycle. */
export function cycleReport(graph: FolderGraph): string[] {
  const lines: string[] = [];
  for (const component of folderCycles(graph)) {
    lines.push(`folders importing each other, directly or through others: ${component.join(', ')}`);
    for (const from of component)
      for (const [to, via] of graph.get(from) ?? [])
        if (component.includes(to)) lines.push(`  ${from} -> ${to}  (${via})`);
  }
  const pairs = [...graph].flatMap(([a, out]) =>
    [...out.keys()].filter((b) => a < b && graph.get(b)?.has(a)).map((b) => `${a} <-> ${b}`),
  );
  if (pairs.length) lines.push(`of which direct pairs: ${pairs.join(', ')}`);
  return lines;
}

if (require.main === module) {
  const dir = process.argv[2] ?? 'coordinator/src';
  const report = cycleReport(folderGraph(readTree(path.resolve(__dirname, '..', '..', '..', dir))));
  process.stdout.write(report.map((l) => `${l}\n`).join(''));
  process.stdout.write(
    report.length ? `folder-level import cycles in ${dir}\n` : `no folder-level import cycles in ${dir}\n`,
  );
  process.exitCode = report.length ? 1 : 0;
}
