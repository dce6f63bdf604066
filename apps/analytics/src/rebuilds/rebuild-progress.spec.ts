import { historyComplete, partitionDone, replayDone, withCommitted, type PartitionProgress } from './rebuild-progress';

const partition = (p: Partial<PartitionProgress> & { partition: number }): PartitionProgress => ({
  topic: 'rapport.customer-profile.customers',
  earliest: '0',
  target: '10',
  reached: null,
  ...p,
});

describe('rebuild progress', () => {
  it('takes the committed offsets of the partitions it tracks, and keeps the last one where none was committed', () => {
    const sut = withCommitted(
      [partition({ partition: 0 }), partition({ partition: 1, reached: '4' }), partition({ partition: 2 })],
      [
        { topic: 'rapport.customer-profile.customers', partition: 0, offset: '7' },
        { topic: 'rapport.customer-profile.customers', partition: 1, offset: '-1' },
        { topic: 'rapport.customer-profile.purchases', partition: 2, offset: '9' },
      ],
    );
    expect(sut.map((p) => p.reached)).toEqual(['7', '4', null]);
  });

  it('is done on a partition when the committed offset reached the high-water mark, or there was nothing to replay', () => {
    expect(partitionDone(partition({ partition: 0, reached: '9' }))).toBe(false);
    expect(partitionDone(partition({ partition: 0, reached: '10' }))).toBe(true);
    expect(partitionDone(partition({ partition: 0, reached: '12' }))).toBe(true);
    expect(partitionDone(partition({ partition: 0, target: '0' }))).toBe(true);
    // retention deleted offsets 0–4 and nothing came after: nothing to replay
    expect(partitionDone(partition({ partition: 0, earliest: '5', target: '5' }))).toBe(true);
    expect(partitionDone(partition({ partition: 0 }))).toBe(false);
  });

  it('compares offsets as numbers, not strings', () => {
    expect(partitionDone(partition({ partition: 0, target: '10', reached: '9' }))).toBe(false);
    expect(partitionDone(partition({ partition: 0, target: '9', reached: '10' }))).toBe(true);
  });

  it('is done when every partition is; history is complete when every partition still starts at 0', () => {
    const done = partition({ partition: 0, reached: '10' });
    const behind = partition({ partition: 1, reached: '3' });
    expect(replayDone([done, done])).toBe(true);
    expect(replayDone([done, behind])).toBe(false);
    expect(historyComplete([done, behind])).toBe(true);
    expect(historyComplete([done, partition({ partition: 2, earliest: '1' })])).toBe(false);
  });
});
