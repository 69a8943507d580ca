import { CEREMONY_TIMEOUT_MS, canMoveKeyEpoch, dealerOrder, decideEpoch, sameMembers } from './key-epoch-state-machine';

describe('key epoch state machine', () => {
  const dealing = (members: string[], startedAt = 0) => ({ state: 'dealing' as const, members, startedAt });

  it('only a dealing epoch moves, to ready or abandoned', () => {
    expect(canMoveKeyEpoch('dealing', 'ready')).toBe(true);
    expect(canMoveKeyEpoch('dealing', 'abandoned')).toBe(true);
    expect(canMoveKeyEpoch('ready', 'dealing')).toBe(false);
    expect(canMoveKeyEpoch('abandoned', 'ready')).toBe(false);
  });

  it('compares members as sets', () => {
    expect(sameMembers(['b', 'a'], ['a', 'b'])).toBe(true);
    expect(sameMembers(['a'], ['a', 'b'])).toBe(false);
  });

  it('uses a ready epoch held by exactly the active members, and starts a new one otherwise', () => {
    const ready = { state: 'ready' as const, members: ['a', 'b'], startedAt: 0 };
    expect(decideEpoch({ latest: ready, active: ['b', 'a'], now: 1, dealerOnline: false })).toEqual({ action: 'use' });
    expect(decideEpoch({ latest: ready, active: ['a', 'b', 'c'], now: 1, dealerOnline: false })).toEqual({
      action: 'start',
      abandon: false,
    });
    expect(decideEpoch({ latest: null, active: ['a'], now: 1, dealerOnline: false })).toEqual({
      action: 'start',
      abandon: false,
    });
  });

  it('waits for a live dealer in time, and abandons one that is gone, late or dealing for other members', () => {
    const live = { active: ['a', 'b'], now: CEREMONY_TIMEOUT_MS - 1, dealerOnline: true };
    expect(decideEpoch({ ...live, latest: dealing(['a', 'b']) })).toEqual({ action: 'wait' });
    const abandon = { action: 'start', abandon: true };
    expect(decideEpoch({ ...live, latest: dealing(['a', 'b']), dealerOnline: false })).toEqual(abandon);
    expect(decideEpoch({ ...live, latest: dealing(['a', 'b']), now: CEREMONY_TIMEOUT_MS })).toEqual(abandon);
    expect(decideEpoch({ ...live, latest: dealing(['a']) })).toEqual(abandon);
  });

  it('keeps an epoch whose dealer left members out, until membership changes or one of them is endorsed', () => {
    const dealt = { state: 'ready' as const, members: ['a', 'b', 'c'], excluded: ['d'], startedAt: 0 };
    const facts = { active: ['a', 'b', 'c', 'd'], now: 1, dealerOnline: false };
    expect(decideEpoch({ ...facts, latest: dealt })).toEqual({ action: 'use' });
    const fresh = { action: 'start', abandon: false };
    expect(decideEpoch({ ...facts, latest: { ...dealt, endorsedSince: true } })).toEqual(fresh);
    expect(decideEpoch({ ...facts, active: [...facts.active, 'e'], latest: dealt })).toEqual(fresh);
    expect(decideEpoch({ ...facts, active: ['a', 'b', 'c'], latest: dealt })).toEqual(fresh);
  });
});

describe('dealerOrder', () => {
  it('asks members of the last ready epoch first, then the earliest enrolled, then by id', () => {
    const c = [
      { id: 'newcomer', enrolledAt: 1 },
      { id: 'b', enrolledAt: 5 },
      { id: 'a', enrolledAt: 5 },
      { id: 'founder', enrolledAt: 2 },
    ];
    expect(dealerOrder(c, ['b', 'founder'])).toEqual(['founder', 'b', 'newcomer', 'a']);
    expect(dealerOrder(c, [])).toEqual(['newcomer', 'founder', 'a', 'b']);
  });
});
