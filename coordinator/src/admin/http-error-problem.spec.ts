import { bodyParserProblem } from './http-error-problem';

describe('bodyParserProblem', () => {
  it('answers 413 for a body over the limit, naming the limit', () => {
    const err = Object.assign(new Error('request entity too large'), {
      status: 413,
      expose: true,
      type: 'entity.too.large',
      limit: 5242880,
    });
    expect(bodyParserProblem(err)).toEqual({
      status: 413,
      reason: 'BODY_TOO_LARGE',
      detail: 'request body is larger than the 5242880-byte limit; send a smaller body',
    });
  });
  it('answers 400 for a body that is not JSON', () => {
    const err = Object.assign(new SyntaxError('Unexpected token'), {
      status: 400,
      expose: true,
      type: 'entity.parse.failed',
    });
    expect(bodyParserProblem(err)?.status).toBe(400);
  });
  it('leaves server faults alone: they stay 500', () => {
    expect(bodyParserProblem(new Error('db down'))).toBeNull();
    expect(bodyParserProblem(Object.assign(new Error('x'), { status: 503, expose: false }))).toBeNull();
    expect(bodyParserProblem(Object.assign(new Error('x'), { status: 413, expose: false }))).toBeNull();
  });
});
