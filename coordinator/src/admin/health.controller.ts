import { Controller, Get } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ApiDoc } from '../http/api-doc';
import { Public } from '../http/roles';
import { livenessSchema, readinessSchema } from './health.responses';
import { SyndicateError } from '../common/syndicate-error';
import { LeaderLease } from '../leadership/leader-lease';

@Controller()
@Public()
export class HealthController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly lease: LeaderLease,
  ) {}

  @Get('healthz')
  @ApiDoc({
    summary: 'Check the process is alive',
    description: 'Liveness probe: answers while the process serves HTTP, whatever the database does.',
    response: livenessSchema,
  })
  live(): { status: string } {
    return { status: 'ok' };
  }

  @Get('readyz')
  @ApiDoc({
    summary: 'Check the replica can serve',
    description:
      'Readiness probe: the database answers. Every replica serves agents and admins; `role` only says whether this one drives rounds. 500 DATABASE_UNREACHABLE otherwise.',
    response: readinessSchema,
  })
  async ready(): Promise<{ status: string; role: 'leader' | 'follower' }> {
    try {
      await this.db.query('SELECT 1');
    } catch {
      throw new SyndicateError('INTERNAL', 'DATABASE_UNREACHABLE', 'database is not reachable');
    }
    // Every replica serves agents and admins; the role only says which one drives rounds.
    return { status: 'ready', role: this.lease.isLeader ? 'leader' : 'follower' };
  }
}
