import { Controller, Get, Header, Param, StreamableFile } from '@nestjs/common';
import { ModelsService, type ModelSummary } from './models.service';

@Controller('v1')
export class ModelsController {
  constructor(private readonly models: ModelsService) {}

  @Get('federations/:federationId/models')
  list(@Param('federationId') federationId: string): Promise<ModelSummary[]> {
    return this.models.list(federationId);
  }

  @Get('models/:id')
  get(@Param('id') id: string): Promise<ModelSummary> {
    return this.models.summary(id);
  }

  /** Raw little-endian float32 weights in the plan's flat layout. */
  @Get('models/:id/weights')
  @Header('Content-Type', 'application/octet-stream')
  async weights(@Param('id') id: string): Promise<StreamableFile> {
    const m = await this.models.withData(id);
    return new StreamableFile(m.data, { disposition: `attachment; filename="${m.id}.f32"` });
  }
}
