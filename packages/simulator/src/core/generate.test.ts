import { describe, expect, it } from 'vitest'
import { generate } from './generate.ts'
import { autoToolChoice, type GenerationRequest, textOutput } from './generation-request.ts'
import { countTokens } from './tokenizer.ts'

const base: GenerationRequest = {
  inputTokens: 5,
  seedText: 'Tell me something',
  lastTurn: { kind: 'user' },
  imageCount: 0,
  tools: [],
  toolChoice: autoToolChoice,
  isParallelToolCalls: false,
  maxOutputTokens: undefined,
  stopSequences: [],
  outputFormat: textOutput,
  choiceCount: 1,
}

function onlyChoice(request: GenerationRequest, scenario?: Parameters<typeof generate>[1]) {
  const [choice] = generate(request, scenario).choices
  if (choice === undefined) throw new Error('no choice')
  return choice
}

describe('generate', () => {
  it('answers the same request the same way, 16 tokens by default', () => {
    const first = onlyChoice(base)
    expect(onlyChoice(base)).toEqual(first)
    expect(first.outputTokens).toBe(16)
    expect(countTokens(first.text)).toBe(16)
    expect(first.textPieces.join('')).toBe(first.text)
    expect(first.finishReason).toBe('stop')
    expect(onlyChoice({ ...base, seedText: 'Something else' }).text).not.toBe(first.text)
  })

  it('gives exactly the scenario outputTokens, capped by the max-tokens field', () => {
    for (const outputTokens of [0, 1, 2, 3, 50]) {
      expect(onlyChoice(base, { outputTokens }).outputTokens).toBe(outputTokens)
    }
    const capped = onlyChoice({ ...base, maxOutputTokens: 4 }, { outputTokens: 50 })
    expect(capped).toMatchObject({ outputTokens: 4, finishReason: 'length' })
    expect(countTokens(capped.text)).toBe(4)
  })

  it('stops before a stop sequence and reports it', () => {
    const full = onlyChoice(base)
    const word = full.text.split(' ')[3] ?? ''
    const stopped = onlyChoice({ ...base, stopSequences: ['nothing-like-this', ` ${word}`] })
    expect(stopped.finishReason).toBe('stop_sequence')
    expect(stopped.stopSequence).toBe(` ${word}`)
    expect(stopped.text).toBe(full.text.slice(0, full.text.indexOf(` ${word}`)))
    expect(stopped.outputTokens).toBe(countTokens(stopped.text))
  })

  it('quotes a tool result and acknowledges images', () => {
    const result = '{"temperature":21,"unit":"celsius","sky":"clear and bright today"}'
    const quoted = onlyChoice({ ...base, lastTurn: { kind: 'tool_result', text: result } })
    expect(quoted.text.startsWith(`The tool returned "${result.slice(0, 40)}".`)).toBe(true)
    expect(quoted.outputTokens).toBe(countTokens(quoted.text))
    expect(onlyChoice({ ...base, imageCount: 2 }).text.startsWith('I see 2 images.')).toBe(true)
  })

  it('calls the first tool, or the first two in parallel, with schema-shaped arguments', () => {
    const weather = {
      name: 'get_weather',
      schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    }
    const time = { name: 'get_time', schema: { type: 'object', properties: {} } }
    const single = onlyChoice({ ...base, tools: [weather, time] })
    expect(single.finishReason).toBe('tool_calls')
    expect(single.toolCalls.map((call) => call.name)).toEqual(['get_weather'])
    expect(JSON.parse(single.toolCalls[0]?.arguments ?? '')).toEqual({ city: expect.any(String) })
    expect(single.outputTokens).toBe(countTokens('get_weather') + countTokens(single.toolCalls[0]?.arguments ?? ''))
    const parallel = onlyChoice({ ...base, tools: [weather, time], isParallelToolCalls: true })
    expect(parallel.toolCalls.map((call) => call.name)).toEqual(['get_weather', 'get_time'])
    const named = onlyChoice({ ...base, tools: [weather, time], toolChoice: { mode: 'named', name: 'get_time' } })
    expect(named.toolCalls.map((call) => call.name)).toEqual(['get_time'])
    expect(onlyChoice({ ...base, tools: [weather], toolChoice: { mode: 'none' } }).toolCalls).toEqual([])
  })

  it('reports cached and reasoning tokens, never more cached than the prompt', () => {
    const { usage } = generate(base, { cachedInputTokens: 3, cacheWriteInputTokens: 10, reasoningTokens: 7 })
    expect(usage).toEqual({
      inputTokens: 5,
      cachedInputTokens: 3,
      cacheWriteInputTokens: 2,
      outputTokens: 16,
      reasoningTokens: 7,
    })
  })
})
