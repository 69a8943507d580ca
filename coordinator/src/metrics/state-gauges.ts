import { Gauge, type Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { TaskHub } from '../tasks/task-hub';

// Metrics sit below every feature (features count into them), so these read the shared schema by
// table name rather than importing the features' entities.

/**
 * Gauges read from the database at scrape time, so every replica reports the same figures.
 * Participants appear by id only: /metrics is unauthenticated, and a bank's name is the consortium's business.
 */
export function registerStateGauges(registry: Registry, db: DataSource, hub: TaskHub): void {
  const registers = [registry];
  const roundsBy = () =>
    db
      .createQueryBuilder()
      .from('rounds', 'r')
      .select('r."federationId"', 'federation')
      .addSelect('r."state"', 'state')
      .addSelect('COUNT(*)', 'n')
      .groupBy('r."federationId"')
      .addGroupBy('r."state"')
      .getRawMany<{ federation: string; state: string; n: string | number }>();
  new Gauge({
    name: 'syndicate_rounds',
    help: 'Rounds of every federation, by current state',
    labelNames: ['state'],
    registers,
    async collect() {
      this.reset();
      const total = new Map<string, number>();
      for (const r of await roundsBy()) total.set(r.state, (total.get(r.state) ?? 0) + Number(r.n));
      for (const [state, n] of total) this.set({ state }, n);
    },
  });
  new Gauge({
    name: 'syndicate_federation_rounds',
    help: 'Rounds by federation and current state',
    labelNames: ['federation', 'state'],
    registers,
    async collect() {
      this.reset();
      for (const r of await roundsBy()) this.set({ federation: r.federation, state: r.state }, Number(r.n));
    },
  });
  new Gauge({
    name: 'syndicate_participants_connected',
    help: 'Agents with an open task stream to this replica',
    registers,
    collect() {
      this.set(hub.connectedCount());
    },
  });
  const members = () =>
    db
      .createQueryBuilder()
      .from('participants', 'p')
      .select('p."id"', 'id')
      .addSelect('p."federationId"', 'federationId')
      .addSelect('p."lastSeenAt"', 'lastSeenAt')
      .where('p."status" = :status', { status: 'active' })
      .getRawMany<{ id: string; federationId: string; lastSeenAt: string | number | null }>()
      .then((rows) => rows.map((r) => ({ ...r, lastSeenAt: r.lastSeenAt === null ? null : Number(r.lastSeenAt) })));
  new Gauge({
    name: 'syndicate_participant_last_seen_timestamp_seconds',
    help: 'When each active member was last heard from (Unix seconds); alert on time() minus this',
    labelNames: ['federation', 'participant'],
    registers,
    async collect() {
      this.reset();
      for (const p of await members())
        if (p.lastSeenAt !== null) this.set({ federation: p.federationId, participant: p.id }, p.lastSeenAt / 1000);
    },
  });
  new Gauge({
    name: 'syndicate_participant_connected',
    help: 'Whether each active member has a task stream open to this replica (1) or not (0)',
    labelNames: ['federation', 'participant'],
    registers,
    async collect() {
      this.reset();
      for (const p of await members())
        this.set({ federation: p.federationId, participant: p.id }, hub.isConnected(p.id) ? 1 : 0);
    },
  });
  new Gauge({
    name: 'syndicate_database_ping_seconds',
    help: 'Latency of a trivial query at scrape time',
    registers,
    async collect() {
      const t0 = process.hrtime.bigint();
      await db.query('SELECT 1');
      this.set(Number(process.hrtime.bigint() - t0) / 1e9);
    },
  });
}
