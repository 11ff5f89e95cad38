// Test order. With durations from an earlier run in jest's cache, jest's own order (longest first)
// stands. Without them (a fresh clone, as in CI) jest falls back to file size, which puts the small
// but slow bundle suites last, where one of them runs alone at the end of the run; here they start
// first instead: e2e and harness (spawned bundles), then property, integration and unit.
const Sequencer = require('@jest/test-sequencer').default;

const SLOW_FIRST = [/[\\/]__tests__[\\/](e2e|harness)[\\/]/, /[\\/]__tests__[\\/]property[\\/]/, /[\\/]__tests__[\\/]integration[\\/]/];
const rank = (file) => {
  const i = SLOW_FIRST.findIndex((re) => re.test(file));
  return i === -1 ? SLOW_FIRST.length : i;
};

class SlowFirstSequencer extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    if (sorted.some((t) => t.duration != null)) return sorted;
    return sorted
      .map((test, i) => ({ test, i }))
      .sort((a, b) => rank(a.test.path) - rank(b.test.path) || a.i - b.i)
      .map(({ test }) => test);
  }
}

module.exports = SlowFirstSequencer;
