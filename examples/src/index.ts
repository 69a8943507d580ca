export * from './synthetic-consortium';
export { writeConsortium, type WrittenBank } from './generate-data';
export {
  runSimulation,
  type BankData,
  type Baseline,
  type SimulationOptions,
  type SimulationResult,
  type SimulationEvent,
} from './simulate/simulation';
export * from './fraud/fraud-consortium';
export { writeFraudConsortium, type WrittenFraudBank } from './fraud/write-fraud-data';
export { FRAUD_PATTERNS, RING_MERCHANTS, type FraudPattern } from './fraud/fraud-patterns';
export type { RawTx } from './fraud/card-behaviour-profile';
export { pinEachOther, bankFingerprint, type EnrolledBank } from './simulate/pin-members';
