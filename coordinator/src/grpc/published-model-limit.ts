import { Inject, Injectable } from '@nestjs/common';
import { modelPayloadFloats } from '@syndicate/protocol';
import { CONFIG } from '../common/tokens';
import type { CoordinatorConfig } from '../config/coordinator-config';
import { FederationsService } from '../federations/federations.service';
import { ModelsService } from '../models/models.service';

/** The most bytes a published model may have: its federation's model size, never above the payload cap. */
@Injectable()
export class PublishedModelLimit {
  constructor(
    private readonly models: ModelsService,
    private readonly federations: FederationsService,
    @Inject(CONFIG) private readonly config: CoordinatorConfig,
  ) {}

  async maxTotalBytes(baseModelVersionId: string): Promise<number> {
    const base = await this.models.summary(baseModelVersionId);
    // A sealed model adds a fixed 48-byte frame to the float32 bytes; fedadam/fedyogi payloads carry their moments too.
    const floats = modelPayloadFloats(await this.federations.planOf(base.federationId));
    return Math.min(this.config.maxPayloadBytes, floats * 4 + 48);
  }
}
