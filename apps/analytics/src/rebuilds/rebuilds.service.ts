import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { PATTERN_METADATA } from '@nestjs/microservices/constants';
import { consumerGroupOf, eventDefinitionOf, Topics } from '@rapport/contracts';
import { isDatabaseBusy } from '@rapport/platform-database';
import { KafkaEventsServer, type MessageBus } from '@rapport/platform-messaging';
import type { Logger } from '@rapport/platform-observability';
import { LOGGER, MESSAGE_BUS } from '@rapport/platform-runtime';
import { DataSource } from 'typeorm';
import { ANALYTICS_CONFIG, type AnalyticsConfig } from '../analytics.config';
import { RecommendationsService } from '../recommendations/recommendations.service';
import { RfmService } from '../rfm/rfm.service';
import { historyComplete, partitionDone, replayDone, withCommitted, type PartitionProgress } from './rebuild-progress';
import { RebuildErrorCode, RebuildException } from './rebuilds.exception';
import { tablesToEmpty } from './read-models';
import { RebuildsRepository, type RebuildRecord } from './rebuilds.repository';

const GROUP = consumerGroupOf('analytics');
const POLL_MS = 250;
/** How long emptying the tables waits for a lock before it lets the reads queued behind it through. */
const LOCK_WAIT_MS = 1_000;

/**
 * Rebuilds every read model from the topics (docs/adr/0002-analytics-rebuilds.md). The replica that
 * takes the request records the rebuild (one running at a time, across replicas), waits until every
 * replica has stopped consuming (each one's RebuildsWatcher pauses its consumer while the rebuild
 * is stopping) so the consumer group is empty, resets the group's offsets to the earliest records,
 * then in one transaction empties the registered tables and the inbox. From then on the
 * replicas consume as they always do, from the start of the topics: the same handlers apply every
 * event once more, in partition order; events published meanwhile simply come after. Progress is the
 * group's committed offsets against the high-water marks captured at the start.
 */
@Injectable()
export class RebuildsService implements OnApplicationShutdown {
  private coordinating?: Promise<void>;

  constructor(
    private readonly repository: RebuildsRepository,
    private readonly events: KafkaEventsServer,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    private readonly dataSource: DataSource,
    private readonly rfm: RfmService,
    private readonly recommendations: RecommendationsService,
    @Inject(LOGGER) private readonly log: Logger,
    @Inject(ANALYTICS_CONFIG) private readonly config: AnalyticsConfig,
    private readonly discovery: DiscoveryService,
  ) {}

  /**
   * The topics of the service's @OnEvent handlers. Read from the controllers rather than from the
   * events server, which learns its handlers only in a replica that consumes (any replica may take
   * the request).
   */
  consumedTopics(): string[] {
    const topics = new Set<string>();
    for (const wrapper of this.discovery.getControllers()) {
      const prototype = wrapper.metatype?.prototype as Record<string, unknown> | undefined;
      if (!prototype) continue;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const method = prototype[name];
        if (typeof method !== 'function') continue;
        const patterns = (Reflect.getMetadata(PATTERN_METADATA, method) ?? []) as unknown[];
        for (const pattern of patterns) {
          const definition = typeof pattern === 'string' ? eventDefinitionOf(pattern) : undefined;
          if (definition) topics.add(Topics[definition.topic].name);
        }
      }
    }
    return [...topics].sort();
  }

  /** Starts a rebuild and answers at once; 409 while another one runs. */
  async start(requestedBy: string): Promise<RebuildView> {
    const running = await this.repository.findRunning();
    if (running) throw this.alreadyRunning(running.id);
    const partitions: PartitionProgress[] = [];
    const topics = this.consumedTopics();
    // Emptying the read models without resetting offsets would lose them: refuse before anything.
    if (topics.length === 0) throw new Error('analytics consumes no topic: nothing to rebuild from');
    for (const topic of topics) {
      for (const p of await this.bus.partitionOffsets(topic))
        partitions.push({ topic, partition: p.partition, earliest: p.earliest, target: p.next, reached: null });
    }
    const rebuild = await this.repository.insert({
      id: randomUUID(),
      requestedBy,
      startedAt: new Date(),
      tables: tablesToEmpty(),
      partitions,
    });
    if (!rebuild) throw this.alreadyRunning((await this.repository.findRunning())?.id);
    this.coordinating = this.coordinate(rebuild).finally(() => {
      this.coordinating = undefined;
    });
    return toView(rebuild);
  }

  async view(id: string): Promise<RebuildView> {
    const rebuild = await this.repository.find(id);
    if (!rebuild) throw new RebuildException(RebuildErrorCode.NotFound, `No rebuild ${id}`);
    return toView(rebuild);
  }

  /** For tests and shutdown: the coordination this replica is doing, if any. */
  async settled(): Promise<void> {
    await this.coordinating;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.coordinating?.catch(() => undefined);
  }

  /**
   * The group must be empty for its offsets to be reset: wait for every replica to stop, rewind the
   * group, then empty the tables in a short transaction. The rewind comes first and outside it:
   * kafkajs resets a group's offsets by joining it as a consumer, seconds per topic, and a TRUNCATE
   * held that long queued every read of analytics behind its lock (the API answered 504). No replica
   * consumes before the phase is `replaying`, so the order is safe: if the transaction fails, the
   * replicas resume on a rewound group over intact tables and inbox, re-read and apply nothing twice.
   */
  private async coordinate(rebuild: RebuildRecord): Promise<void> {
    try {
      await this.events.pause();
      const deadline = Date.now() + this.config.ANALYTICS_REBUILD_STOP_TIMEOUT_MS;
      for (;;) {
        await this.repository.heartbeat(rebuild.id);
        const members = await this.bus.groupMemberCount(GROUP);
        if (members === 0) break;
        if (Date.now() > deadline)
          throw new Error(
            `${members} consumer(s) of group ${GROUP} did not stop within ${this.config.ANALYTICS_REBUILD_STOP_TIMEOUT_MS} ms (a replica without rebuild support?); nothing was emptied`,
          );
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      const topics = [...new Set(rebuild.partitions.map((p) => p.topic))];
      for (const topic of topics) {
        await this.bus.resetGroupToEarliest(GROUP, topic);
        await this.repository.heartbeat(rebuild.id);
      }
      const replaying = await this.emptyForReplay(rebuild, Date.now() + this.config.ANALYTICS_REBUILD_STOP_TIMEOUT_MS);
      if (!replaying) throw new Error('the rebuild was failed by another replica while stopping');
      this.log.info(
        { rebuildId: rebuild.id, tables: rebuild.tables, topics },
        'rebuild: read models emptied, replaying',
      );
    } catch (error) {
      this.log.error({ err: error, rebuildId: rebuild.id }, 'rebuild failed before the replay');
      await this.repository.fail(rebuild.id, (error as Error).message).catch(() => undefined);
    } finally {
      await this.events.resume();
    }
  }

  /**
   * Empties the rebuild's tables and moves it to `replaying`, in one transaction. A TRUNCATE that waits
   * for a lock (a scoring run reading the tables) makes every later read wait behind it: it waits at
   * most LOCK_WAIT_MS, lets the reads through, and tries again until the deadline.
   */
  private async emptyForReplay(rebuild: RebuildRecord, deadline: number): Promise<boolean> {
    for (;;) {
      try {
        return await this.dataSource.transaction(async (manager) => {
          if (!(await this.repository.lockRunning(manager, rebuild.id))) return false;
          await this.repository.truncate(manager, rebuild.tables, LOCK_WAIT_MS);
          await this.repository.startReplay(manager, rebuild.id);
          return true;
        });
      } catch (error) {
        if (!isDatabaseBusy(error) || Date.now() > deadline) throw error;
        await this.repository.heartbeat(rebuild.id);
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    }
  }

  /**
   * Any replica records the progress of a replaying rebuild (the row lock makes one do it at a time):
   * committed offsets against the targets, events applied; when every partition reached its target
   * the rebuild is completed and the derived outputs are recomputed.
   */
  async trackProgress(id: string): Promise<RebuildState> {
    const completed = await this.dataSource.transaction(async (manager) => {
      const rebuild = await this.repository.lockRunning(manager, id);
      if (!rebuild || rebuild.phase !== 'replaying') return false;
      let partitions = rebuild.partitions;
      for (const topic of new Set(partitions.map((p) => p.topic))) {
        const committed = (await this.bus.committedOffsets(GROUP, topic)).map((c) => ({ topic, ...c }));
        partitions = withCommitted(partitions, committed);
      }
      const done = replayDone(partitions);
      await this.repository.saveProgress(manager, id, {
        partitions,
        eventsApplied: await this.repository.eventsApplied(manager),
        completed: done,
      });
      return done;
    });
    if (!completed) return 'running';
    this.log.info({ rebuildId: id }, 'rebuild completed; recomputing the derived outputs');
    await this.followUps();
    return 'completed';
  }

  /**
   * The derived outputs (READ_MODELS' `derived`) recomputed from the rebuilt projections at once,
   * rather than at the features' next scheduled run. A feature with such outputs adds its run here.
   */
  private async followUps(): Promise<void> {
    try {
      await this.rfm.runIfDue(new Date(), { force: true });
    } catch (error) {
      this.log.warn({ err: error }, 'full scoring run after the rebuild failed; the scheduler runs it later');
    }
    try {
      await this.recommendations.build('request', new Date());
    } catch (error) {
      this.log.warn({ err: error }, 'recommendation build after the rebuild failed; the scheduler builds it later');
    }
  }

  private alreadyRunning(id: string | undefined): RebuildException {
    return new RebuildException(
      RebuildErrorCode.AlreadyRunning,
      `A rebuild is already running${id ? ` (${id})` : ''}; follow it or wait for it to finish`,
      id ? { rebuildId: id } : {},
    );
  }
}

type RebuildState = RebuildRecord['state'];

export interface RebuildView {
  id: string;
  state: RebuildState;
  phase: RebuildRecord['phase'];
  requestedBy: string;
  startedAt: string;
  replayStartedAt: string | null;
  finishedAt: string | null;
  eventsApplied: number;
  historyComplete: boolean;
  emptiedTables: string[];
  partitions: Array<PartitionProgress & { done: boolean }>;
  error: string | null;
}

export function toView(r: RebuildRecord): RebuildView {
  return {
    id: r.id,
    state: r.state,
    phase: r.phase,
    requestedBy: r.requestedBy,
    startedAt: r.startedAt.toISOString(),
    replayStartedAt: r.replayFrom?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
    eventsApplied: r.eventsApplied,
    historyComplete: historyComplete(r.partitions),
    emptiedTables: r.tables,
    partitions: r.partitions.map((p) => ({ ...p, done: r.phase !== 'stopping' && partitionDone(p) })),
    error: r.error,
  };
}
