export * from './builders.js';
export * from './template-builders.js';
export * from './chat-builders.js';
