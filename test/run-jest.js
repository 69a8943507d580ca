// `npm test`: Jest in two passes over the same projects, merged into one result.
// Unit suites are CPU-bound and independent, so they use both cores; the suites that start coordinators and
// agent processes have deadlines that assume the machine is theirs, so they run one at a time.
// Arguments are passed to both passes (a path that matches nothing in one pass is fine there);
// `--outputFile=F` (with `--json`) receives the merged result, as a single Jest run would write it.
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const args = process.argv.slice(2);
const outArg = args.find((a) => a.startsWith('--outputFile='));
const passArgs = args.filter((a) => a !== outArg);
const jest = require.resolve('jest/bin/jest');
// The same split as `npm run test:unit`: suites that start real processes are e2e specs, faults and adversaries.
const processSuites = ['\\.e2e\\.spec\\.ts$', '/test/src/faults/', '/test/src/adversary/'];
const passes = [
  { name: 'unit', args: ['--maxWorkers=2', '--testPathIgnorePatterns', '/node_modules/', ...processSuites] },
  {
    name: 'processes',
    args: ['--runInBand', '--testPathIgnorePatterns', '/node_modules/', `^(?!.*(${processSuites.join('|')}))`],
  },
];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'syndicate-jest-'));
let status = 0;
const results = [];
for (const pass of passes) {
  const file = path.join(tmp, `${pass.name}.json`);
  // Paths go first: --testPathIgnorePatterns takes every following word as a pattern.
  const run = spawnSync(
    process.execPath,
    [jest, ...passArgs, '--passWithNoTests', ...(outArg ? [`--outputFile=${file}`] : []), ...pass.args],
    { stdio: 'inherit' },
  );
  if (run.status !== 0) status = run.status ?? 1;
  // CI overlaps its PostgreSQL pass with the serial pass only: it waits for this line (see .ci/run).
  if (process.env.SYNDICATE_TEST_PROGRESS)
    fs.appendFileSync(process.env.SYNDICATE_TEST_PROGRESS, `${pass.name} done\n`);
  if (outArg && fs.existsSync(file)) results.push(JSON.parse(fs.readFileSync(file, 'utf8')));
  else if (outArg) status = status || 1;
}
if (outArg) {
  const sum = (k) => results.reduce((n, r) => n + (r[k] || 0), 0);
  const merged = {
    ...results[0],
    success: status === 0 && results.every((r) => r.success),
    testResults: results.flatMap((r) => r.testResults),
  };
  for (const k of Object.keys(results[0] ?? {}))
    if (typeof results[0][k] === 'number' && k.startsWith('num')) merged[k] = sum(k);
  fs.writeFileSync(outArg.slice('--outputFile='.length), JSON.stringify(merged));
}
fs.rmSync(tmp, { recursive: true, force: true });
process.exit(status);
