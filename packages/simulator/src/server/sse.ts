/** One server-sent event: `event:` line only when named, then one `data:` line. */
export function sseFrame(data: string, event?: string, lineEnd = '\n'): string {
  return event === undefined
    ? `data: ${data}${lineEnd}${lineEnd}`
    : `event: ${event}${lineEnd}data: ${data}${lineEnd}${lineEnd}`
}

export const sseContentType = 'text/event-stream; charset=utf-8'
