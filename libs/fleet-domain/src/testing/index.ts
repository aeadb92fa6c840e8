export * from './builders.js';
export * from './template-builders.js';
export * from './chat-builders.js';
export * from './workspace-builders.js';
