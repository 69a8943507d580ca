import { Controller, Get, Header } from '@nestjs/common';
import { ApiDoc } from '../http/api-doc';
import { Public } from '../http/roles';
import { prometheusTextSchema } from './metrics.responses';
import { MetricsService } from './metrics.service';

@Controller()
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  /** Prometheus text exposition. */
  @Get('metrics')
  @Public()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiDoc({
    summary: 'Scrape Prometheus metrics',
    description:
      'Node.js process metrics under their standard names and Syndicate figures under `syndicate_` (rounds, updates, participants last seen), with a federation label where a figure belongs to one.',
    response: prometheusTextSchema,
  })
  scrape(): Promise<string> {
    return this.metrics.text();
  }
}
