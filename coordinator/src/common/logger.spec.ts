import pino from 'pino';
import { Writable } from 'stream';
import { logFormat, NestPinoLogger } from './logger';

describe('coordinator logging', () => {
  it("puts Nest's framework start-up lines at debug, and keeps the application's at info", () => {
    const lines: { level: number; msg: string }[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(JSON.parse(chunk.toString()) as { level: number; msg: string });
        done();
      },
    });
    const nest = new NestPinoLogger(pino({ level: 'info' }, sink));
    nest.log('AppModule dependencies initialized', 'InstanceLoader');
    nest.log('Mapped {/v1/federations, GET} route', 'RouterExplorer');
    nest.log('Nest application successfully started', 'NestApplication');
    nest.log('leader lease acquired', 'LeaderLease');
    expect(lines.map((l) => l.msg)).toEqual(['leader lease acquired']);
  });

  it('is readable on a terminal and JSON otherwise, unless SYNDICATE_LOG_FORMAT says', () => {
    expect(logFormat({}, true)).toBe('pretty');
    expect(logFormat({}, false)).toBe('json');
    expect(logFormat({ SYNDICATE_LOG_FORMAT: 'json' }, true)).toBe('json');
  });
});
