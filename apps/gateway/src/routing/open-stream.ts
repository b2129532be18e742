import type { ChatCompletionRequest } from '@switchyard/contracts'
import type { ChatStreamEvent } from '@switchyard/providers'
import { type InvokeDeps, invokeChatStream } from '../upstream/invoke-chat.ts'
import type { AttemptTarget } from './run-attempts.ts'

/** A stream whose first event has arrived: the point after which nothing is retried. */
export interface OpenedStream {
  readonly first: IteratorResult<ChatStreamEvent>
  readonly events: AsyncIterator<ChatStreamEvent>
}

/**
 * One streaming attempt, up to its first event. A failure until then is still a clean HTTP
 * error and may be retried or fall back; once the first event is in hand the client gets bytes,
 * and nothing after that is retried (a later break ends the stream with an error event).
 */
export async function openStream(
  deps: InvokeDeps,
  target: AttemptTarget,
  requestId: string,
  request: ChatCompletionRequest,
): Promise<OpenedStream> {
  const events = (await invokeChatStream(deps, { ...target, requestId }, request))[Symbol.asyncIterator]()
  return { first: await events.next(), events }
}
