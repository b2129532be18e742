export { createLogger, type Logger, type LogLevel } from './create-logger.ts'
export { healthRoutes, type Readiness } from './health-routes.ts'
export {
  HttpError,
  InvalidRequestError,
  NotFoundError,
  ServiceUnavailableError,
  toErrorResponse,
} from './http-error.ts'
export { installErrorHandling } from './install-error-handling.ts'
export { onShutdownSignal } from './on-shutdown-signal.ts'
export { type HttpServerOptions, type RunningHttpServer, startHttpServer } from './start-http-server.ts'
