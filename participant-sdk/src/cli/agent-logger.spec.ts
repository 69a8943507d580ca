import { logFormat } from './agent-logger';

describe('log format', () => {
  it('is readable on a terminal and JSON otherwise', () => {
    expect(logFormat({}, true)).toBe('pretty');
    expect(logFormat({}, false)).toBe('json');
  });
  it('follows SYNDICATE_LOG_FORMAT when set', () => {
    expect(logFormat({ SYNDICATE_LOG_FORMAT: 'json' }, true)).toBe('json');
    expect(logFormat({ SYNDICATE_LOG_FORMAT: 'PRETTY' }, false)).toBe('pretty');
    expect(logFormat({ SYNDICATE_LOG_FORMAT: 'xml' }, false)).toBe('json');
  });
});
