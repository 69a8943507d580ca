export * from './category-tags';
export * from './schema-sum';
export * from './column-tally';
export * from './schema-merge';
export * from './schema-wire';
