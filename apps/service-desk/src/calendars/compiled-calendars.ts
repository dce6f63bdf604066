import { Injectable } from '@nestjs/common';
import {
  compileBusinessCalendar,
  type BusinessCalendar,
  type CompiledBusinessCalendar,
} from '@rapport/platform-business-calendar';

/** Compiled calendars kept at once (one version per calendar); the least recently used goes first. */
const CAPACITY = 64;

export interface CompiledVersion {
  compiled: CompiledBusinessCalendar;
  version: number;
}

/**
 * Compiled calendars by id and version (the library's advice: compile once, ≈ 1 ms plus the years used,
 * then every deadline is two binary searches). A change of a calendar raises its version, so an entry is
 * never stale: a request for the new version misses, loads and compiles it, and it replaces the old one.
 */
@Injectable()
export class CompiledCalendars {
  private readonly entries = new Map<string, CompiledVersion>();

  /**
   * The calendar compiled at `version` (its current one), or at the version `load` finds if it has moved on
   * since; undefined when `load` finds no calendar.
   */
  async get(
    id: string,
    version: number,
    load: () => Promise<{ calendar: BusinessCalendar; version: number } | undefined>,
  ): Promise<CompiledVersion | undefined> {
    const cached = this.entries.get(id);
    if (cached && cached.version === version) {
      this.entries.delete(id);
      this.entries.set(id, cached);
      return cached;
    }
    const loaded = await load();
    if (!loaded) return undefined;
    const entry = { compiled: compileBusinessCalendar(loaded.calendar), version: loaded.version };
    const current = this.entries.get(id);
    if (!current || current.version <= entry.version) {
      this.entries.delete(id);
      if (this.entries.size >= CAPACITY) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(id, entry);
    }
    return entry;
  }
}
