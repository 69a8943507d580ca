import { Clock } from '@syndicate/coordinator';

/**
 * Real time plus an offset the test moves. Signed envelopes carry real timestamps
 * and are checked against the coordinator's clock within 5 minutes, so tests move
 * it by minutes, not days.
 */
export class ShiftedClock extends Clock {
  offsetMs = 0;
  now(): number {
    return Date.now() + this.offsetMs;
  }
  setTo(t: number): void {
    this.offsetMs = t - Date.now();
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
