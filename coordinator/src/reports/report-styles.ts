/** Inline CSS: system fonts only (the report opens offline), A4-friendly print rules. */
export const REPORT_CSS = `
:root { --ink: #1d2430; --muted: #5b6474; --rule: #d9dee6; --band: #f4f6f9; --accent: #0072B2; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 14px/1.5 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans", sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 28px 32px 48px; }
header { border-bottom: 3px solid var(--accent); padding-bottom: 12px; margin-bottom: 20px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--rule); }
h3 { font-size: 15px; margin: 0 0 6px; }
p { margin: 6px 0; }
.muted, .caption { color: var(--muted); }
.caption { font-size: 12.5px; margin-top: 4px; }
code { font: 12.5px ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace; background: var(--band); padding: 0 3px; border-radius: 3px; word-break: break-all; }
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 10px; margin: 14px 0; }
.kpi { border: 1px solid var(--rule); border-radius: 6px; padding: 10px 12px; background: var(--band); }
.kpi .label { font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
.kpi .value { font-size: 24px; font-weight: 600; font-variant-numeric: tabular-nums; }
.kpi .sub { font-size: 12px; color: var(--muted); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 3px 16px; margin: 8px 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(400px, 1fr)); gap: 18px 24px; align-items: start; }
figure { margin: 0; break-inside: avoid; page-break-inside: avoid; }
figure.wide { grid-column: 1 / -1; }
svg.chart { display: block; max-width: 100%; height: auto; font-size: 11px; }
svg.chart .grid { stroke: #e6e9ef; stroke-width: 1; }
svg.chart .frame { fill: none; stroke: #9aa3b2; stroke-width: 1; }
svg.chart .tick { fill: var(--muted); }
svg.chart .axis-label { fill: var(--ink); font-size: 12px; }
svg.chart .legend { fill: var(--ink); font-size: 11.5px; }
svg.chart .note { font-size: 12px; font-weight: 600; paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; font-variant-numeric: tabular-nums; }
th, td { padding: 5px 8px; border-bottom: 1px solid var(--rule); text-align: right; white-space: nowrap; }
thead th { white-space: normal; vertical-align: bottom; }
figure table th, figure table td { padding: 4px 6px; }
th:first-child, td:first-child { text-align: left; }
thead th { background: var(--band); font-weight: 600; font-size: 12.5px; border-bottom: 2px solid var(--rule); }
tr.final td { font-weight: 600; }
.table-wrap { overflow-x: auto; }
.method { columns: 2 380px; column-gap: 32px; }
.method section { break-inside: avoid; margin-bottom: 10px; }
.notice { border-left: 4px solid var(--accent); background: var(--band); padding: 8px 12px; margin: 10px 0; }
footer { margin-top: 36px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--rule); padding-top: 8px; }
@page { size: A4; margin: 14mm; }
@media print {
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; page-break-after: avoid; }
  .charts { grid-template-columns: 1fr 1fr; }
  .kpi { background: none; }
  table, .method section { break-inside: avoid; page-break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
`;
