import { Controller, Get } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Public } from '../http/roles';
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
  live(): { status: string } {
    return { status: 'ok' };
  }

  @Get('readyz')
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
