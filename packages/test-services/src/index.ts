export { findFreePort } from './free-port.ts'
export { type NatsServerHandle, type NatsServerOptions, startNatsServer } from './nats-server.ts'
export { type PostgresServerHandle, type PostgresServerOptions, startPostgresServer } from './postgres-server.ts'
export { ServiceStartError } from './service-process.ts'
