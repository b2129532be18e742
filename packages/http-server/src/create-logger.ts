import { type DestinationStream, type Logger, pino } from 'pino'

export type { Logger }

/**
 * Field paths that may hold secrets. pino blanks them before a line is written, so a stray
 * `log.info({ headers })` cannot leak a key.
 */
const REDACTED_PATHS = [
  'authorization',
  'apiKey',
  'password',
  'secret',
  '*.authorization',
  '*.apiKey',
  '*.password',
  '*.secret',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers["api-key"]',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
]

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'

/** JSON lines on stdout (or `destination`), one logger per component. */
export function createLogger(component: string, level: LogLevel, destination?: DestinationStream): Logger {
  const options = { level, base: { component }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }
  return destination ? pino(options, destination) : pino(options)
}
