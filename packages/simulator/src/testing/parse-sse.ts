export interface SseEvent {
  readonly event: string | undefined
  readonly data: string
}

/** Parses a whole server-sent-events body (LF or CRLF line ends) into its events. */
export function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = []
  for (const block of text.split(/\r?\n\r?\n/)) {
    if (block.trim() === '') continue
    let event: string | undefined
    const data: string[] = []
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith('event:')) event = line.slice(6).trim()
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart())
    }
    events.push({ event, data: data.join('\n') })
  }
  return events
}
