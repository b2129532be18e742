import type { Logger } from './create-logger.ts'

/**
 * Runs `stop` on the first SIGINT or SIGTERM and exits when it is done; a second signal exits at
 * once. `stop` should drain: finish in-flight work, flush, close files cleanly.
 */
export function onShutdownSignal(stop: () => Promise<void>, log: Logger): void {
  let isStopping = false
  const handle = (signal: NodeJS.Signals) => {
    if (isStopping) {
      log.warn({ signal }, 'second signal: exiting without finishing the shutdown')
      process.exit(1)
    }
    isStopping = true
    log.info({ signal }, 'shutting down: draining in-flight work')
    stop().then(
      () => {
        log.info('stopped cleanly')
        process.exit(0)
      },
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed')
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', handle)
  process.on('SIGTERM', handle)
}
