import type { ChatAnnotations } from '../openai/chat-annotations.ts'

const safe = { filtered: false, severity: 'safe' }
const notDetected = { filtered: false, detected: false }

const passed = {
  hate: safe,
  protected_material_code: notDetected,
  protected_material_text: notDetected,
  self_harm: safe,
  sexual: safe,
  violence: safe,
}
const blocked = { ...passed, violence: { filtered: true, severity: 'high' } }

/** Azure OpenAI's content-filter results: all clear, unless the finish reason is a filter. */
export const azureContentFilters: ChatAnnotations = {
  promptFilterResults: [
    {
      prompt_index: 0,
      content_filter_results: { hate: safe, jailbreak: notDetected, self_harm: safe, sexual: safe, violence: safe },
    },
  ],
  contentFilterResults: (finishReason) => (finishReason === 'content_filter' ? blocked : passed),
}
