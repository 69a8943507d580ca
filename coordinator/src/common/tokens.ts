/** Nest injection tokens for values that are not classes. */
export const CONFIG = Symbol('CoordinatorConfig');
export const LOGGER = Symbol('Logger');
