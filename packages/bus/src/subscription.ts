/**
 * An async iterator over `pull` that runs `stop` exactly once: when the consumer leaves
 * (`return()`, i.e. `break` in a `for await`) or when `pull` reports the end.
 */
export function createSubscription<T>(
  pull: () => Promise<IteratorResult<T, undefined>>,
  stop: () => void,
): AsyncIterableIterator<T> {
  let isStopped = false
  const stopOnce = () => {
    if (isStopped) return
    isStopped = true
    stop()
  }
  const iterator: AsyncIterableIterator<T> = {
    async next() {
      if (isStopped) return { done: true, value: undefined }
      let result: IteratorResult<T, undefined>
      try {
        result = await pull()
      } catch (error) {
        // A pull cut short by our own stop is the end, not a failure.
        if (isStopped) return { done: true, value: undefined }
        throw error
      }
      if (result.done || isStopped) {
        stopOnce()
        return { done: true, value: undefined }
      }
      return result
    },
    async return() {
      stopOnce()
      return { done: true, value: undefined }
    },
    [Symbol.asyncIterator]() {
      return iterator
    },
  }
  return iterator
}
