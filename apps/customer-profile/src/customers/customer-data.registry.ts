import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/**
 * The extension point for subject access and erasure: each feature that keeps data about a
 * customer (consents here; purchases, ownership history… later) registers one section, and the
 * export, the erasure and the merge walk them all. Register in the feature module's `onModuleInit`.
 */
export interface CustomerDataSection {
  /** The key of this section in the export document. */
  readonly name: string;
  export(manager: EntityManager, customerId: string): Promise<unknown>;
  /** Removes or irreversibly anonymises the personal data of the section; keeps anonymous aggregates. */
  erase(manager: EntityManager, customerId: string): Promise<void>;
  /** Moves what the section holds under `mergedId` to `survivorId` (a merge); absent = nothing to move. */
  merge?(manager: EntityManager, mergedId: string, survivorId: string): Promise<void>;
}

@Injectable()
export class CustomerDataRegistry {
  private readonly sections: CustomerDataSection[] = [];

  register(section: CustomerDataSection): void {
    if (this.sections.some((s) => s.name === section.name))
      throw new Error(`customer data section ${section.name} registered twice`);
    this.sections.push(section);
  }

  all(): readonly CustomerDataSection[] {
    return this.sections;
  }
}
