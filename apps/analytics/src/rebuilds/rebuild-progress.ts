/**
 * How far a rebuild's replay got on each partition. The target is the partition's high-water mark
 * when the rebuild started (the offset the next record would get): the replay has caught up with
 * what existed then when the group's committed offset (the next record it will read) reaches it.
 * Events arriving later lie beyond the target and are consumed as usual.
 */
export interface PartitionProgress {
  topic: string;
  partition: number;
  /** The oldest offset still kept when the rebuild started; above 0, retention had deleted history. */
  earliest: string;
  target: string;
  /** The group's committed offset; null before its first commit after the reset. */
  reached: string | null;
}

export interface Committed {
  topic: string;
  partition: number;
  /** -1 when the group committed nothing on the partition. */
  offset: string;
}

export function withCommitted(partitions: readonly PartitionProgress[], committed: readonly Committed[]) {
  const byKey = new Map(committed.map((c) => [`${c.topic}:${c.partition}`, c.offset]));
  return partitions.map((p) => {
    const offset = byKey.get(`${p.topic}:${p.partition}`);
    return { ...p, reached: offset === undefined || BigInt(offset) < 0n ? p.reached : offset };
  });
}

/** A partition is done when nothing was there to replay, or the committed offset reached the target. */
export function partitionDone(p: PartitionProgress): boolean {
  if (BigInt(p.target) <= BigInt(p.earliest)) return true;
  return p.reached !== null && BigInt(p.reached) >= BigInt(p.target);
}

export function replayDone(partitions: readonly PartitionProgress[]): boolean {
  return partitions.every(partitionDone);
}

/** Whether the topics still held every event ever published (earliest offset 0 on every partition). */
export function historyComplete(partitions: readonly PartitionProgress[]): boolean {
  return partitions.every((p) => BigInt(p.earliest) === 0n);
}
