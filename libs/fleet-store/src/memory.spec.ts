import { storeContract } from './contract/store-contract.js';

// The memory adapter is SQLite `:memory:`: the same statements, nothing survives close.
storeContract({
  name: 'memory',
  newLocation: async () => ({ kind: 'memory' }),
  durable: false,
});
