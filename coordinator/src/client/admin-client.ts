import type { AuditFields } from '../audit/audit-chain';
import type { EvaluationView } from '../evaluation/evaluation.service';
import type { Agent } from 'undici';
import type { IssuedToken, TokenView } from '../access/api-tokens.service';
import type { Role } from '../http/roles';
import type { FederationView } from '../federations/federations.service';
import type { ParticipantView } from '../participants/participants.responses';
import type { Invitation } from '../participants/participants.service';
import type { AgentConnection } from '../participants/agent-address';
import type { PendingInvitation } from '../participants/pending-invitations';
import type { RoundView } from '../rounds/round-views.service';
import type { ModelView } from '../models/models.service';
import type { SelectionResponse } from '../models/models.controller';
import type { ScheduleInput, ScheduleView } from '../rounds/schedule-spec';
import { AdminApiError } from './admin-api-error';

export { AdminApiError };

export interface AdminClientOptions {
  /** Bearer API token (`syndicate token create`, or the bootstrap token from `syndicate init`). */
  token?: string;
  /** PEM CA bundle to trust for an https:// coordinator (e.g. the development CA from `syndicate certs init`). */
  ca?: string | Buffer;
}

type Response = Awaited<ReturnType<typeof import('undici').fetch>>;

/** One audit entry as the API returns it: the chained fields and the two hashes. */
export interface AuditEntryView extends AuditFields {
  prevHash: string;
  hash: string;
}

/** Typed client for the coordinator's REST admin API. */
export class AdminClient {
  private dispatcher?: Agent;

  constructor(
    readonly baseUrl: string,
    private readonly opts: AdminClientOptions = {},
  ) {}

  /** The same coordinator, another token. */
  withToken(token: string): AdminClient {
    return new AdminClient(this.baseUrl, { ...this.opts, token });
  }

  private async request(method: string, path: string, body?: unknown, refusalsThrow = true): Promise<Response> {
    // undici loads on first use, so a CLI that only prints help never pays for it.
    const { Agent: UndiciAgent, fetch } = await import('undici');
    if (this.opts.ca && !this.dispatcher) this.dispatcher = new UndiciAgent({ connect: { ca: this.opts.ca } });
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.opts.token) headers.authorization = `Bearer ${this.opts.token}`;
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        dispatcher: this.dispatcher,
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new AdminApiError(
        0,
        cause?.code ?? 'UNREACHABLE',
        `cannot reach the coordinator at ${this.baseUrl}: ${cause?.message ?? (err as Error).message}`,
      );
    }
    if (!res.ok && refusalsThrow) {
      const problem = (await res.json().catch(() => ({}))) as { detail?: string; reason?: string; problems?: string[] };
      throw new AdminApiError(
        res.status,
        problem.reason ?? `HTTP_${res.status}`,
        problem.detail ?? res.statusText,
        problem.problems ?? [],
      );
    }
    return res;
  }

  /** Any call, refusals included, as status, headers and text: for probes, scripts and tests. */
  async raw(method: string, path: string, body?: unknown): Promise<{ status: number; headers: Headers; text: string }> {
    const res = await this.request(method, path, body, false);
    return { status: res.status, headers: res.headers as unknown as Headers, text: await res.text() };
  }

  /** Prometheus metrics (public endpoint). */
  async metrics(): Promise<string> {
    return (await this.request('GET', '/metrics')).text();
  }

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await (await this.request(method, path, body)).json()) as T;
  }

  createFederation(plan: unknown): Promise<FederationView> {
    return this.call('POST', '/v1/federations', { plan });
  }
  federations(): Promise<FederationView[]> {
    return this.call('GET', '/v1/federations');
  }
  federation(id: string): Promise<FederationView> {
    return this.call('GET', `/v1/federations/${enc(id)}`);
  }
  invite(
    federationId: string,
    displayName: string,
    ttlSeconds?: number,
  ): Promise<Invitation & { agent?: AgentConnection }> {
    return this.call('POST', `/v1/federations/${enc(federationId)}/invitations`, { displayName, ttlSeconds });
  }
  invitations(federationId: string): Promise<PendingInvitation[]> {
    return this.call('GET', `/v1/federations/${enc(federationId)}/invitations`);
  }
  revoke(federationId: string, participantId: string): Promise<{ id: string; status: string }> {
    return this.call('POST', `/v1/federations/${enc(federationId)}/participants/${enc(participantId)}/revoke`);
  }
  participants(federationId: string): Promise<ParticipantView[]> {
    return this.call('GET', `/v1/federations/${enc(federationId)}/participants`);
  }

  openRound(
    federationId: string,
    opts: { deadlineSeconds?: number; minParticipants?: number } = {},
  ): Promise<RoundView> {
    return this.call('POST', `/v1/federations/${enc(federationId)}/rounds`, opts);
  }
  rounds(federationId: string): Promise<RoundView[]> {
    return this.call('GET', `/v1/federations/${enc(federationId)}/rounds`);
  }
  round(id: string): Promise<RoundView> {
    return this.call('GET', `/v1/rounds/${enc(id)}`);
  }
  cancelRound(id: string): Promise<RoundView> {
    return this.call('POST', `/v1/rounds/${enc(id)}/cancel`);
  }

  createSchedule(federationId: string, input: ScheduleInput): Promise<ScheduleView> {
    return this.call('POST', `/v1/federations/${enc(federationId)}/schedules`, input);
  }
  schedules(federationId: string): Promise<ScheduleView[]> {
    return this.call('GET', `/v1/federations/${enc(federationId)}/schedules`);
  }
  schedule(id: string): Promise<ScheduleView> {
    return this.call('GET', `/v1/schedules/${enc(id)}`);
  }
  controlSchedule(id: string, action: 'pause' | 'resume' | 'cancel'): Promise<ScheduleView> {
    return this.call('POST', `/v1/schedules/${enc(id)}/${action}`);
  }

  /** The champion (chosen on federated validation), the best round and whether training stopped early. */
  selection(federationId: string): Promise<SelectionResponse> {
    return this.call('GET', `/v1/federations/${enc(federationId)}/selection`);
  }
  models(federationId: string): Promise<ModelView[]> {
    return this.call('GET', `/v1/federations/${enc(federationId)}/models`);
  }
  model(id: string): Promise<ModelView> {
    return this.call('GET', `/v1/models/${enc(id)}`);
  }
  async weights(modelId: string): Promise<Buffer> {
    return Buffer.from(await (await this.request('GET', `/v1/models/${enc(modelId)}/weights`)).arrayBuffer());
  }
  /** The consortium's evaluation of a model (summed encrypted histograms). */
  evaluation(modelId: string): Promise<EvaluationView> {
    return this.call('GET', `/v1/models/${enc(modelId)}/evaluation`);
  }
  evaluations(federationId: string): Promise<EvaluationView[]> {
    return this.call('GET', `/v1/federations/${enc(federationId)}/evaluations`);
  }
  /** The federation's HTML report for a model-risk reviewer. */
  async report(federationId: string): Promise<string> {
    return (await this.request('GET', `/v1/federations/${enc(federationId)}/report`)).text();
  }
  /** One file of a model export: tfjs/model.json, tfjs/group1-shard1of1.bin, weights.json or scorecard.json. */
  async exportFile(modelId: string, file: string): Promise<Buffer> {
    return Buffer.from(await (await this.request('GET', `/v1/models/${enc(modelId)}/export/${file}`)).arrayBuffer());
  }

  audit(o: { federationId?: string; after?: number; limit?: number } = {}): Promise<AuditEntryView[]> {
    const q = new URLSearchParams();
    if (o.federationId) q.set('federationId', o.federationId);
    if (o.after !== undefined) q.set('after', String(o.after));
    if (o.limit !== undefined) q.set('limit', String(o.limit));
    const qs = q.toString();
    return this.call('GET', `/v1/audit${qs ? `?${qs}` : ''}`);
  }
  verifyAudit(): Promise<{ ok: boolean; entries?: number; seq?: number; problem?: string }> {
    return this.call('GET', '/v1/audit/verify');
  }

  createToken(name: string, roles: Role[], ttlSeconds?: number): Promise<IssuedToken> {
    return this.call('POST', '/v1/tokens', { name, roles, ttlSeconds });
  }
  tokens(): Promise<TokenView[]> {
    return this.call('GET', '/v1/tokens');
  }
  revokeToken(id: string): Promise<TokenView> {
    return this.call('POST', `/v1/tokens/${enc(id)}/revoke`);
  }

  async close(): Promise<void> {
    await this.dispatcher?.close();
  }
}

const enc = encodeURIComponent;
