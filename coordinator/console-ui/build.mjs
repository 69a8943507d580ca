// Bundles the web console at build time (npm install / npm run build): the coordinator serves these
// files itself, so the console works offline and under a CSP that admits only its own origin.
import { build } from 'esbuild';
import { createRequire } from 'module';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { basename, dirname, join } from 'path';
import { fileURLToPath } from 'url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'dist', 'console-ui');
const require = createRequire(import.meta.url);

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const result = await build({
  entryPoints: { console: join(here, 'src', 'main.tsx') },
  bundle: true,
  minify: true,
  sourcemap: true,
  format: 'esm',
  target: ['chrome110', 'firefox115', 'safari16'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  entryNames: '[name]-[hash]',
  outdir: out,
  metafile: true,
  logLevel: 'warning',
});
const js = Object.keys(result.metafile.outputs).find((f) => f.endsWith('.js'));

// The charts are the HTML report's own (reports/report-charts.ts); so is their stylesheet.
const { REPORT_CSS } = require('../dist/reports/report-styles.js');
const chartRules = REPORT_CSS.split('\n')
  .filter((l) => l.startsWith('svg.chart'))
  .join('\n');
const css = `${readFileSync(join(here, 'src', 'console.css'), 'utf8')}\n/* charts: as in the HTML report */\n${chartRules}\n`;
const cssName = `console-${Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(css)))
  .toString('hex')
  .slice(0, 8)}.css`;
writeFileSync(join(out, cssName), css);
writeFileSync(
  join(out, 'index.html'),
  `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Syndicate console</title>
<link rel="stylesheet" href="${cssName}">
<script type="module" src="${basename(js)}"></script>
</head>
<body>
<div id="app"><noscript>The Syndicate console needs JavaScript.</noscript></div>
</body>
</html>
`,
);
console.log(`console: ${basename(js)} ${cssName} -> ${out}`);
