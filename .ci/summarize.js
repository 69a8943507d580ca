// Reads Jest JSON results and prints the closing line CI understands.
// Exits non-zero on any failure, or when a result file is missing (a run that crashed).
const fs = require('fs');
let passed = 0;
let failed = 0;
let missing = 0;
for (const file of process.argv.slice(2)) {
  if (!fs.existsSync(file)) {
    console.error(`missing Jest result: ${file}`);
    missing++;
    continue;
  }
  const r = JSON.parse(fs.readFileSync(file, 'utf8'));
  passed += r.numPassedTests;
  // A suite that fails to load has no failing *tests* but must still fail CI.
  failed += r.numFailedTests + (r.numRuntimeErrorTestSuites || 0);
  console.error(
    `${file}: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numRuntimeErrorTestSuites || 0} suites failed to run`,
  );
}
failed += missing;
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
