// Prints the closing line CI reads in every language ("N passed, N failed, N
// skipped"), after jasmine's own summary.
let passed = 0;
let failed = 0;
let skipped = 0;

jasmine.getEnv().addReporter({
  specDone(result) {
    if (result.status === 'passed') passed += 1;
    else if (result.status === 'failed') failed += 1;
    else if (result.status === 'pending') skipped += 1;
  },
  jasmineDone() {
    process.stdout.write(`\njasmine: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  },
});
