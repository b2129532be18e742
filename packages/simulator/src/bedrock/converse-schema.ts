import { z } from 'zod'

/** Only the Converse fields the simulator reads; everything else passes through. */

const ToolResultContent = z.looseObject({ text: z.string().optional(), json: z.unknown().optional() })

const ContentBlock = z.looseObject({
  text: z.string().optional(),
  image: z.looseObject({ format: z.string(), source: z.looseObject({}) }).optional(),
  toolUse: z.looseObject({ toolUseId: z.string(), name: z.string(), input: z.unknown() }).optional(),
  toolResult: z
    .looseObject({
      toolUseId: z.string(),
      content: z.array(ToolResultContent),
      status: z.enum(['success', 'error']).optional(),
    })
    .optional(),
})
export type ConverseContentBlock = z.infer<typeof ContentBlock>

const Message = z.looseObject({
  role: z.enum(['user', 'assistant']),
  content: z.array(ContentBlock),
})
export type ConverseMessage = z.infer<typeof Message>

const ToolSpec = z.looseObject({
  name: z.string().min(1),
  description: z.string().optional(),
  inputSchema: z.looseObject({ json: z.unknown() }),
})

/** One of `{auto:{}}`, `{any:{}}`, `{tool:{name}}`. */
const ToolChoice = z.looseObject({
  auto: z.looseObject({}).optional(),
  any: z.looseObject({}).optional(),
  tool: z.looseObject({ name: z.string() }).optional(),
})

export const ConverseRequest = z.looseObject({
  messages: z.array(Message).min(1),
  system: z.array(z.looseObject({ text: z.string().optional() })).optional(),
  inferenceConfig: z
    .looseObject({
      maxTokens: z.number().int().min(1).optional(),
      stopSequences: z.array(z.string()).max(4).optional(),
      temperature: z.number().min(0).max(1).optional(),
      topP: z.number().min(0).max(1).optional(),
    })
    .optional(),
  toolConfig: z
    .looseObject({
      /** Entries without `toolSpec` are cache points. */
      tools: z.array(z.looseObject({ toolSpec: ToolSpec.optional() })).min(1),
      toolChoice: ToolChoice.optional(),
    })
    .optional(),
})
export type ConverseRequest = z.infer<typeof ConverseRequest>
