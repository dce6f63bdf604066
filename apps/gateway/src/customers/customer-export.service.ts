import type { Writable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import {
  SUBJECT_RIGHTS_PARTICIPANTS,
  subjectRightsExportPath,
  type SubjectRightsRegistration,
} from '@rapport/contracts';
import { ProblemException } from '@rapport/platform-http';
import type { CallerIdentity } from '@rapport/platform-runtime';
import { AuditService, auditCaller } from '../audit/audit.service';
import { GATEWAY_CONFIG, type GatewayConfig } from '../upstream/gateway-config';
import { UpstreamClient, type Upstream, type UpstreamResponse } from '../upstream/upstream.client';
import { SectionNotJsonError, SectionSpool } from './section-spool';
import type { ExportSourceView } from './customer-export.dto';

const UPSTREAMS: readonly string[] = [
  'customer-profile',
  'interaction',
  'service-desk',
  'loyalty',
  'analytics',
] satisfies Upstream[];

/** customer-profile's answer when it is not a section (not found, not visible, bad id): relayed as it came. */
export class ExportRefused {
  constructor(readonly answer: UpstreamResponse) {}
}

interface Section {
  registration: SubjectRightsRegistration;
  readAt: string;
  /** The keys of its data, as the service answered them. */
  keys: string[];
  profileId?: string;
}

/**
 * A composed export, every section received and checked, waiting on disk to be sent. `send` writes
 * the one JSON document (SubjectAccessExport) section by section and removes the files; `discard`
 * removes them unsent.
 */
export class ComposedExport {
  constructor(
    readonly customerId: string,
    readonly sources: ExportSourceView[],
    private readonly spool: SectionSpool,
  ) {}

  async send(out: Writable): Promise<void> {
    try {
      const write = (text: string) => out.write(text);
      write(
        `{"exportedAt":${JSON.stringify(new Date().toISOString())},"customerId":${JSON.stringify(this.customerId)}`,
      );
      write(',"customer":');
      await this.spool.write('customer-profile', 'data.profile', out);
      write(',"sections":{');
      for (const [i, source] of this.sources.entries()) {
        if (i > 0) write(',');
        await this.spool.write(source.service, 'data', out, { membersOnly: true });
      }
      write(`},"sources":${JSON.stringify(this.sources)}}`);
    } finally {
      await this.spool.discard();
    }
  }

  discard(): Promise<void> {
    return this.spool.discard();
  }
}

/**
 * The subject access export: customer-profile first (it decides whether the caller may see the
 * customer and turns a merged id into its survivor), then every other participant in parallel for the
 * survivor. All or nothing: one service that fails, answers late or breaks the contract fails the
 * whole export with a problem naming it (503, or 504 when late), never a silently partial document.
 */
@Injectable()
export class CustomerExportService {
  constructor(
    private readonly upstream: UpstreamClient,
    private readonly audit: AuditService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async compose(
    customerId: string,
    identity: CallerIdentity,
    requestId?: string,
  ): Promise<ComposedExport | ExportRefused> {
    const [profile, ...others] = this.participants();
    const spool = await SectionSpool.create();
    try {
      const first = await this.read(spool, profile, customerId, identity, requestId, true);
      if (first instanceof ExportRefused) {
        await spool.discard();
        return first;
      }
      const survivorId = first.profileId;
      if (!first.keys.includes('profile') || typeof survivorId !== 'string')
        throw this.broken(profile, 'answered without a profile');
      // Every read settles before the spool may go: one failing must not pull the files from under the others.
      const settled = await Promise.allSettled(
        others.map(async (p) => (await this.read(spool, p, survivorId, identity, requestId, false)) as Section),
      );
      const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      const rest = settled.map((r) => (r as PromiseFulfilledResult<Section>).value);
      const sources: ExportSourceView[] = [first, ...rest].map((section) => ({
        service: section.registration.service,
        readAt: section.readAt,
        sections: section.keys,
      }));
      // A subject access export is a read of unmasked personal data: audited like every other, with
      // the survivor among its subjects when a merged id was asked for.
      await this.audit.record(
        {
          ...auditCaller(identity, requestId),
          action: 'customer.export',
          resourceType: 'customer',
          resourceId: customerId,
          piiUnmasked: true,
          status: 200,
        },
        [survivorId],
      );
      return new ComposedExport(survivorId, sources, spool);
    } catch (error) {
      await spool.discard().catch(() => undefined); // the failure to report is the export's, not the cleanup's
      throw error;
    }
  }

  private participants(): SubjectRightsRegistration[] {
    const profile = SUBJECT_RIGHTS_PARTICIPANTS.find((p) => p.service === 'customer-profile');
    if (!profile) throw new Error('customer-profile must take part in subject rights: it authorizes the export');
    for (const p of SUBJECT_RIGHTS_PARTICIPANTS) {
      if (!UPSTREAMS.includes(p.service))
        throw new Error(`the gateway has no upstream for subject-rights participant ${p.service}`);
    }
    return [profile, ...SUBJECT_RIGHTS_PARTICIPANTS.filter((p) => p !== profile)];
  }

  private async read(
    spool: SectionSpool,
    registration: SubjectRightsRegistration,
    customerId: string,
    identity: CallerIdentity,
    requestId: string | undefined,
    decides: boolean,
  ): Promise<Section | ExportRefused> {
    const service = registration.service;
    const late = () =>
      new ProblemException('timeout', `The export needs every service's section; ${service} did not answer in time`, {
        service,
      });
    const options = { identity, ...(requestId ? { requestId } : {}), timeoutMs: this.config.UPSTREAM_TIMEOUT_MS };
    const path = subjectRightsExportPath(customerId);
    let answer;
    try {
      answer = await this.upstream.open(service as Upstream, path, options);
    } catch (error) {
      if (error instanceof ProblemException && error.kind === 'timeout') throw late();
      throw this.unavailable(service, `${service} is unavailable`);
    }
    if (answer.status !== 200) {
      if (decides && answer.status >= 400 && answer.status < 500) {
        // customer-profile's refusal (not found, not visible, bad id) goes back as it came.
        let text = '';
        for await (const chunk of answer.body) text += String(chunk);
        let body: unknown;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          throw this.broken(registration, 'answered a refusal that is not JSON');
        }
        return new ExportRefused({ status: answer.status, contentType: answer.contentType, body });
      }
      answer.body.destroy();
      throw this.unavailable(service, `${service} answered ${answer.status}`);
    }
    let envelope;
    try {
      envelope = await spool.receive(service, answer.body);
    } catch (error) {
      if (error instanceof SectionNotJsonError)
        throw this.broken(registration, 'answered something that is not a section');
      if ((error as Error).name === 'TimeoutError') throw late();
      // The body failed on its way: the connection dropped.
      throw this.unavailable(service, `${service} is unavailable (its section was cut short)`);
    }
    if (!envelope.wellFormed || envelope.service !== service || typeof envelope.readAt !== 'string') {
      throw this.broken(registration, 'answered something that is not a section');
    }
    const keys = envelope.dataKeys;
    const undeclared = keys.filter((k) => !registration.sections.includes(k));
    const missing = registration.sections.filter((k) => !keys.includes(k));
    if (undeclared.length || missing.length) {
      throw this.broken(
        registration,
        `answered sections that differ from its registration (undeclared: ${undeclared.join(', ') || '-'}; missing: ${missing.join(', ') || '-'})`,
      );
    }
    return {
      registration,
      readAt: envelope.readAt,
      keys,
      ...(envelope.profileId ? { profileId: envelope.profileId } : {}),
    };
  }

  private unavailable(service: string, why: string): ProblemException {
    return new ProblemException(
      'unavailable',
      `The export needs every service's section and is refused rather than left partial: ${why}`,
      { service },
      { 'retry-after': '5' },
    );
  }

  private broken(registration: SubjectRightsRegistration, why: string): ProblemException {
    return this.unavailable(registration.service, `${registration.service} ${why}`);
  }
}
