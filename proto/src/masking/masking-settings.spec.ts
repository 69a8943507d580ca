import type { MaskSession } from './mask-session';
import { defaultThreshold, maskingSettingsSchema, planMasking, shareHolders } from './masking-settings';

const session: MaskSession = { federationId: 'fed-1', roundId: 'round-1', keyEpoch: 1, kind: 'model' };
const members = (n: number) => Array.from({ length: n }, (_, i) => `bank-${String(i).padStart(3, '0')}`);
const parse = (x: unknown) => maskingSettingsSchema.parse(x);

describe('masking settings', () => {
  it('defaults to off, the complete graph and two thirds of the share holders, never below 3', () => {
    expect(parse({})).toEqual({ enabled: false, graph: { kind: 'complete' } });
    expect([3, 4, 5, 8, 50, 100].map(defaultThreshold)).toEqual([3, 3, 4, 6, 34, 67]);
    const plan = planMasking(parse({}), session, members(8));
    expect(plan.threshold).toBe(6);
    expect(plan.neighbours.get('bank-003')).toEqual(members(8).filter((m) => m !== 'bank-003'));
    expect(shareHolders(plan, 'bank-003')).toEqual(members(8));
  });

  it('sparse neighbourhoods are symmetric, of the given degree, and drawn per session', () => {
    const settings = parse({ graph: { kind: 'sparse', degree: 10 } });
    const plan = planMasking(settings, session, members(100));
    expect(plan.threshold).toBe(defaultThreshold(11));
    for (const [id, near] of plan.neighbours) {
      expect(new Set(near).size).toBe(10);
      expect(near).not.toContain(id);
      for (const n of near) expect(plan.neighbours.get(n)).toContain(id);
    }
    const next = planMasking(settings, { ...session, roundId: 'round-2' }, members(100));
    expect(next.neighbours.get('bank-000')).not.toEqual(plan.neighbours.get('bank-000'));
    // A degree that reaches everyone is the complete graph.
    expect(planMasking(settings, session, members(11)).neighbours.get('bank-000')).toHaveLength(10);
  });

  it.each([
    [{ threshold: 2 }, /greater than or equal to 3/],
    [{ graph: { kind: 'sparse', degree: 5 } }, /degree must be even/],
    [{ graph: { kind: 'sparse' } }, /degree/],
    [{ graph: { kind: 'ring' } }, /kind/],
    [{ thresold: 4 }, /thresold/],
  ])('the schema refuses %j', (input, message) => {
    const r = maskingSettingsSchema.safeParse(input);
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toMatch(message);
  });

  it('refuses settings that do not fit the members, saying how to fix them', () => {
    expect(() => planMasking(parse({}), session, members(2))).toThrow(/needs at least 3 members, this sum has 2/);
    expect(() => planMasking(parse({ threshold: 9 }), session, members(8))).toThrow(
      /threshold 9 exceeds the 8 share holders .* at most 8/,
    );
    expect(() =>
      planMasking(parse({ threshold: 9, graph: { kind: 'sparse', degree: 6 } }), session, members(20)),
    ).toThrow(/raise the graph degree/);
    expect(() => planMasking(parse({}), session, members(300))).toThrow(/exceed 255; use graph/);
    expect(() => planMasking(parse({ threshold: 4 }), session, members(8))).toThrow(
      /threshold 4 is not above half the 8 share holders.*at least 5/,
    );
    expect(planMasking(parse({ threshold: 5 }), session, members(8)).threshold).toBe(5);
    expect(() => planMasking(parse({}), session, ['a', 'b', 'a'])).toThrow(/appears twice/);
  });
});
