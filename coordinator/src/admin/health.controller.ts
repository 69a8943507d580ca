import { Controller, Get } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Public } from '../access/roles';
import { SyndicateError } from '../common/syndicate-error';

@Controller()
@Public()
export class HealthController {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @Get('healthz')
  live(): { status: string } {
    return { status: 'ok' };
  }

  @Get('readyz')
  async ready(): Promise<{ status: string }> {
    try {
      await this.db.query('SELECT 1');
    } catch {
      throw new SyndicateError('INTERNAL', 'DATABASE_UNREACHABLE', 'database is not reachable');
    }
    return { status: 'ready' };
  }
}
