import { ClientClosedError } from '../upstream/upstream-client.ts'

/** Waits `ms` on the global timers (so fake timers drive it), or rejects as soon as the client leaves. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const gone = () => new ClientClosedError('the client closed the connection while a retry waited')
    if (signal.aborted) {
      reject(gone())
      return
    }
    const onAbort = () => {
      clearTimeout(timer)
      reject(gone())
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
