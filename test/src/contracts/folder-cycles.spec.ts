import { folderCycles, folderGraph } from './folder-cycles';

const cyclesOf = (files: Record<string, string>) =>
  folderCycles(folderGraph(Object.entries(files).map(([rel, source]) => ({ rel, source }))));

describe('folder-level import cycles', () => {
  it('finds a cycle through three folders and names them', () => {
    expect(
      cyclesOf({
        'rounds/rounds.service.ts': "import { AggregationService } from '../aggregation/aggregation.service';",
        'aggregation/aggregation.service.ts': "import { Round } from '../keys/key-custody.service';",
        'keys/key-custody.service.ts': "import type { RoundView } from '../rounds/rounds.service';",
        'audit/audit.service.ts': "import { x } from '../rounds/rounds.service';",
      }),
    ).toEqual([['aggregation', 'keys', 'rounds']]);
  });

  it('finds a cycle through a folder index and a re-export', () => {
    expect(
      cyclesOf({
        'database/data-source.ts': "import { migrations } from '../migrations';",
        'migrations/index.ts': "export * from './initial';",
        'migrations/initial.ts': "import { jsonColumn } from '../database/column-types';",
      }),
    ).toEqual([['database', 'migrations']]);
  });

  it('passes one-way imports, imports inside a folder, and files at the root', () => {
    expect(
      cyclesOf({
        'app.module.ts': "import { RoundsModule } from './rounds/rounds.module';",
        'rounds/rounds.module.ts':
          "import { RoundsService } from './rounds.service';\nimport { Clock } from '../common/clock';",
        'rounds/rounds.service.ts': "import { AuditService } from '../audit/audit.service';",
        'audit/audit.service.ts': "import { Clock } from '../common/clock';\nimport { z } from 'zod';",
        'common/clock.ts': 'export class Clock {}',
      }),
    ).toEqual([]);
  });

  it('marks an edge made only of type imports', () => {
    const graph = folderGraph([
      { rel: 'client/admin-client.ts', source: "import type { RoundView } from '../rounds/rounds.service';" },
    ]);
    expect(graph.get('client')!.get('rounds')).toBe('client/admin-client.ts -> ../rounds/rounds.service (type only)');
  });
});
