import type { FederationView } from '../federations/federations.service';
import type { ParticipantView } from '../participants/participants.controller';
import type { Invitation } from '../participants/participants.service';
import type { RoundView } from '../rounds/rounds.service';
import type { ModelSummary } from '../models/models.service';

export class AdminApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    readonly problems: string[] = [],
  ) {
    super(problems.length ? `${message}:\n${problems.map((p) => `  - ${p}`).join('\n')}` : message);
    this.name = 'AdminApiError';
  }
}

/** Typed client for the coordinator's REST admin API. */
export class AdminClient {
  constructor(private readonly baseUrl: string) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) {
      const problem = (await res.json().catch(() => ({}))) as { detail?: string; reason?: string; problems?: string[] };
      throw new AdminApiError(res.status, problem.reason ?? `HTTP_${res.status}`, problem.detail ?? res.statusText, problem.problems ?? []);
    }
    return (await res.json()) as T;
  }

  createFederation(plan: unknown): Promise<FederationView> {
    return this.call('POST', '/v1/federations', { plan });
  }
  invite(federationId: string, displayName: string): Promise<Invitation> {
    return this.call('POST', `/v1/federations/${federationId}/invitations`, { displayName });
  }
  revoke(federationId: string, participantId: string): Promise<{ id: string; status: string }> {
    return this.call('POST', `/v1/federations/${federationId}/participants/${participantId}/revoke`);
  }

  audit(federationId?: string): Promise<{ seq: number; actor: string; action: string; subject: string | null; detail: string }[]> {
    return this.call('GET', `/v1/audit${federationId ? `?federationId=${encodeURIComponent(federationId)}` : ''}`);
  }

  verifyAudit(): Promise<{ ok: boolean; entries?: number; seq?: number; problem?: string }> {
    return this.call('GET', '/v1/audit/verify');
  }

  participants(federationId: string): Promise<ParticipantView[]> {
    return this.call('GET', `/v1/federations/${federationId}/participants`);
  }
  openRound(federationId: string, opts: { deadlineSeconds?: number; minParticipants?: number } = {}): Promise<RoundView> {
    return this.call('POST', `/v1/federations/${federationId}/rounds`, opts);
  }
  round(id: string): Promise<RoundView> {
    return this.call('GET', `/v1/rounds/${id}`);
  }
  models(federationId: string): Promise<ModelSummary[]> {
    return this.call('GET', `/v1/federations/${federationId}/models`);
  }
  async weights(modelId: string): Promise<Buffer> {
    const res = await fetch(`${this.baseUrl}/v1/models/${modelId}/weights`);
    if (!res.ok) throw new AdminApiError(res.status, `HTTP_${res.status}`, `cannot download model ${modelId}`);
    return Buffer.from(await res.arrayBuffer());
  }
}
