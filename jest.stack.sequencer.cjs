// The stack tier's order: Jest's own (slowest first, from its cache), except that the fuzz run goes
// last. It creates thousands of customers, segments and rewards on the shared stack; run earlier, its
// data would meet the other specs' (a duplicate phone or email makes their create a 409).
const Sequencer = require('@jest/test-sequencer').default;

class StackSequencer extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    const last = (test) => (/fuzz\.e2e-spec\.ts$/.test(test.path) ? 1 : 0);
    return [...sorted].sort((a, b) => last(a) - last(b));
  }
}

module.exports = StackSequencer;
