export * from './builders.js';
export * from './template-builders.js';
