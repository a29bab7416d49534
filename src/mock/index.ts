export { startMockServer } from './server';
export type { MockServer, MockStats, MockRoute, MockRequestInfo, PerRequest, StartMockServerOptions } from './server';
export { DEFAULTS as MOCK_DEFAULTS, MockOptionError } from './options';
export type { MockServerOptions } from './options';
export { redirectAnthropicSdk } from './redirect';
