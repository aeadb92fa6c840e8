/**
 * Import cycles fail the lint target of every project (`npm test` runs it): `depcruise src` per project.
 * tsPreCompilationDeps counts `import type` edges too, so a cycle made only of type imports also fails
 * (they still tie the modules together for readers and for the compiler).
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycle: move the shared piece one floor down (runtime/, views/, a leaf module) so imports point one way.',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|generated|node_modules)/' },
    enhancedResolveOptions: { conditionNames: ['@org/source', 'import', 'default'] },
    moduleSystems: ['es6'],
  },
};
