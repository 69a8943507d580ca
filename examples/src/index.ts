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
export { pinEachOther, bankFingerprint, type EnrolledBank } from './simulate/pin-members';
