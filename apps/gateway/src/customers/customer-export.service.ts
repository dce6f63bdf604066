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
import type { ExportSourceView, SubjectAccessExport } from './customer-export.dto';

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
  data: Record<string, unknown>;
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
  ): Promise<SubjectAccessExport | ExportRefused> {
    const [profile, ...others] = this.participants();
    const first = await this.read(profile, customerId, identity, requestId, true);
    if (first instanceof ExportRefused) return first;
    const survivorId = (first.data['profile'] as { id?: unknown } | null)?.id;
    if (typeof survivorId !== 'string') throw this.broken(profile, 'answered without a profile');
    const rest = await Promise.all(
      others.map(async (p) => (await this.read(p, survivorId, identity, requestId, false)) as Section),
    );

    const sections: Record<string, unknown> = {};
    const sources: ExportSourceView[] = [];
    for (const section of [first, ...rest]) {
      Object.assign(sections, section.data);
      sources.push({
        service: section.registration.service,
        readAt: section.readAt,
        sections: Object.keys(section.data),
      });
    }
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
    return {
      exportedAt: new Date().toISOString(),
      customerId: survivorId,
      customer: sections['profile'] as SubjectAccessExport['customer'],
      sections,
      sources,
    };
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
    registration: SubjectRightsRegistration,
    customerId: string,
    identity: CallerIdentity,
    requestId: string | undefined,
    decides: boolean,
  ): Promise<Section | ExportRefused> {
    const service = registration.service;
    let answer: UpstreamResponse;
    try {
      answer = await this.upstream.call(service as Upstream, 'GET', subjectRightsExportPath(customerId), {
        identity,
        ...(requestId ? { requestId } : {}),
        timeoutMs: this.config.UPSTREAM_TIMEOUT_MS,
      });
    } catch (error) {
      if (error instanceof ProblemException && error.kind === 'timeout') {
        throw new ProblemException(
          'timeout',
          `The export needs every service's section; ${service} did not answer in time`,
          { service },
        );
      }
      throw this.unavailable(service, `${service} is unavailable`);
    }
    if (decides && answer.status >= 400 && answer.status < 500) return new ExportRefused(answer);
    if (answer.status !== 200) throw this.unavailable(service, `${service} answered ${answer.status}`);
    const body = answer.body as { service?: unknown; readAt?: unknown; data?: unknown } | undefined;
    if (
      !body ||
      body.service !== service ||
      typeof body.readAt !== 'string' ||
      typeof body.data !== 'object' ||
      body.data === null ||
      Array.isArray(body.data)
    ) {
      throw this.broken(registration, 'answered something that is not a section');
    }
    const data = body.data as Record<string, unknown>;
    const keys = Object.keys(data);
    const undeclared = keys.filter((k) => !registration.sections.includes(k));
    const missing = registration.sections.filter((k) => !keys.includes(k));
    if (undeclared.length || missing.length) {
      throw this.broken(
        registration,
        `answered sections that differ from its registration (undeclared: ${undeclared.join(', ') || '-'}; missing: ${missing.join(', ') || '-'})`,
      );
    }
    return { registration, readAt: body.readAt, data };
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
