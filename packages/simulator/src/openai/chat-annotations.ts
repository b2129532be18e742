import type { FinishReason } from '../core/generate.ts'

/** Extra fields a vendor adds to OpenAI's chat shapes (Azure's content-filter results). */
export interface ChatAnnotations {
  /** On the completion, and alone on a first stream chunk with no choices. */
  readonly promptFilterResults: unknown
  /** On each choice, and on each streamed choice delta. */
  contentFilterResults(finishReason: FinishReason | null): unknown
}
