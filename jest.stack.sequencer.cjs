// The stack tier's order: Jest's own (slowest first, from its cache), except that
// - the analytics rebuild specs go first: a rebuild replays every event of the topics analytics reads
//   and pauses its consumers meanwhile; at the start the topics hold little, so it takes seconds, and
//   no other spec waits on analytics while it runs;
// - the fuzz run goes last. It creates thousands of customers, segments and rewards on the shared
//   stack; run earlier, its data would meet the other specs' (a duplicate phone or email makes their
//   create a 409).
const Sequencer = require('@jest/test-sequencer').default;

const rank = (test) => {
  if (/rebuilds\.(integration|e2e)-spec\.ts$/.test(test.path)) return 0;
  if (/fuzz\.e2e-spec\.ts$/.test(test.path)) return 2;
  return 1;
};

class StackSequencer extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = StackSequencer;
