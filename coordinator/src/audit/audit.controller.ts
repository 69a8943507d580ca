import { Controller, Get, Query } from '@nestjs/common';
import { ApiDoc } from '../http/api-doc';
import { Roles } from '../http/roles';
import { parsePaging } from '../common/paging';
import { AuditService } from './audit.service';
import { auditListQuery } from './audit.requests';
import { auditEntryListSchema, auditVerificationSchema } from './audit.responses';

@Controller('v1/audit')
@Roles('auditor', 'admin')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiDoc({
    summary: 'Read the audit log',
    description:
      'Entries of the append-only, hash-chained log in sequence order, optionally for one federation; page with `after` (the last seq read) and `limit`. Every admin action, refusal and round event is there with who did it.',
    query: auditListQuery,
    response: auditEntryListSchema,
  })
  list(@Query('federationId') federationId?: string, @Query('after') after?: string, @Query('limit') limit?: string) {
    return this.audit.list({ federationId, ...parsePaging({ after, limit }) });
  }

  @Get('verify')
  @ApiDoc({
    summary: "Verify the audit log's hash chain",
    description:
      'Recomputes every entry hash from the first: ok with the number of entries, or the first sequence number where the chain breaks (an entry was altered, removed or inserted).',
    response: auditVerificationSchema,
  })
  verify() {
    return this.audit.verify();
  }
}
