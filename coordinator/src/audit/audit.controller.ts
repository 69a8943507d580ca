import { Controller, Get, Query } from '@nestjs/common';
import { Roles } from '../http/roles';
import { parsePaging } from '../common/paging';
import { AuditService } from './audit.service';

@Controller('v1/audit')
@Roles('auditor', 'admin')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  list(@Query('federationId') federationId?: string, @Query('after') after?: string, @Query('limit') limit?: string) {
    return this.audit.list({ federationId, ...parsePaging({ after, limit }) });
  }

  @Get('verify')
  verify() {
    return this.audit.verify();
  }
}
