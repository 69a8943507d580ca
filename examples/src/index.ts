export * from './synthetic-consortium';
export { writeConsortium, type WrittenBank } from './generate-data';
