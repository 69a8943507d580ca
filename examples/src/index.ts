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
