/** Public surface of @org/mcp-server (for embedding and for the HTTP transport / benchmarks). */
export { createServer, buildInstructions, SERVER_NAME, type CreateServerOptions, type FleetServer } from './server.js';
export { loadConfig, makeConfig, usage, ConfigSchema, OPTIONS, TOOLSETS, type Config, type Toolset } from './config.js';
export { createLogger, silentLogger, redact, type Logger, type LogLevel } from './log.js';
export { systemClock, type Clock } from './clock.js';
export { defineTool, annotationsFor, success, failure, OPEN_WORLD_HINT, type AnyTool, type ToolContext, type ToolDefinition, type ServerDeps } from './define-tool.js';
export { fromCoderApiError, toolFailure, renderFailure, type ToolFailure } from './failures.js';
export { createFleetRuntime, type FleetRuntime } from './runtime/fleet-runtime.js';
export { ALL_TOOLS, selectTools } from './tools/index.js';
export { VERSION } from './version.js';
