import type { GeneratedChoice } from '../core/generate.ts'
import { sseFrame } from '../server/sse.ts'
import type { ChatAnnotations } from './chat-annotations.ts'
import { type ChatReplyInput, toolCallId } from './chat-completion.ts'
import { openAIFinishReason, openAIUsage, systemFingerprint } from './openai-usage.ts'

const done = 'data: [DONE]\n\n'

/**
 * The SSE frames of a streamed chat completion: per choice a role delta, one content (or tool
 * arguments) delta per token, a finish delta; then the usage chunk when asked for; then [DONE].
 * The envelope is serialised once and each choice spliced in.
 */
export function chatChunkFrames(input: ChatReplyInput, isUsageIncluded: boolean): string[] {
  const { annotations } = input
  const envelope = `"object":"chat.completion.chunk","created":${input.created},"model":${JSON.stringify(input.model)},"service_tier":"default","system_fingerprint":"${systemFingerprint}"`
  const head = `{"id":"${input.id}",${envelope},"choices":[`
  const tail = isUsageIncluded ? '],"usage":null}' : ']}'
  const frames: string[] = []
  const push = (choice: object) => frames.push(sseFrame(head + JSON.stringify(choice) + tail))
  if (annotations !== undefined) {
    const filters = {
      choices: [],
      created: 0,
      id: '',
      model: '',
      object: '',
      prompt_filter_results: annotations.promptFilterResults,
    }
    frames.push(sseFrame(JSON.stringify(filters)))
  }
  for (const choice of input.generation.choices) pushChoice(choice, annotations, push)
  if (isUsageIncluded) {
    const usage = JSON.stringify(openAIUsage(input.generation.usage))
    frames.push(sseFrame(`{"id":"${input.id}",${envelope},"choices":[],"usage":${usage}}`))
  }
  frames.push(done)
  return frames
}

function pushChoice(choice: GeneratedChoice, annotations: ChatAnnotations | undefined, push: (choice: object) => void) {
  const { index } = choice
  const filters = annotations === undefined ? undefined : annotations.contentFilterResults(null)
  const delta = (body: object) =>
    filters === undefined
      ? { index, delta: body, logprobs: null, finish_reason: null }
      : { index, delta: body, logprobs: null, finish_reason: null, content_filter_results: filters }
  const [firstCall, ...otherCalls] = choice.toolCalls
  if (firstCall === undefined) {
    push(delta({ role: 'assistant', content: '', refusal: null }))
    for (const piece of choice.textPieces) push(delta({ content: piece }))
  } else {
    push(delta({ role: 'assistant', content: null, tool_calls: [toolCallHead(0, firstCall)], refusal: null }))
    for (const piece of firstCall.argumentPieces) push(delta({ tool_calls: [toolCallArguments(0, piece)] }))
    otherCalls.forEach((call, position) => {
      push(delta({ tool_calls: [toolCallHead(position + 1, call)] }))
      for (const piece of call.argumentPieces) push(delta({ tool_calls: [toolCallArguments(position + 1, piece)] }))
    })
  }
  const finishReason = openAIFinishReason(choice.finishReason)
  const finish = { index, delta: {}, logprobs: null, finish_reason: finishReason }
  push(
    annotations === undefined
      ? finish
      : { ...finish, content_filter_results: annotations.contentFilterResults(choice.finishReason) },
  )
}

function toolCallHead(index: number, call: GeneratedChoice['toolCalls'][number]) {
  return { index, id: toolCallId(call), type: 'function', function: { name: call.name, arguments: '' } }
}

function toolCallArguments(index: number, piece: string) {
  return { index, function: { arguments: piece } }
}
