import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, type Scalar } from 'yaml'
import { ConfigError, type ConfigIssue } from './config-error.ts'

/** Aliases expand when read; more than this is an alias bomb, not a config file. */
export const MAX_YAML_ALIAS_COUNT = 100

/**
 * Where a zod path points in the YAML source, 1-based: the value there, or with `isKey` the key
 * itself; the nearest ancestor when the path is missing; undefined if nothing has a position.
 */
export type Locate = (
  path: readonly PropertyKey[],
  options?: { isKey?: boolean },
) => { line: number; column: number } | undefined

export interface YamlSource {
  readonly data: unknown
  readonly locate: Locate
}

const MAX_CHARACTER_ISSUES = 5

/**
 * Tab, LF and CR are fine; other C0 controls and DEL have no business in a config file. U+FFFD is
 * what invalid UTF-8 decodes to, so its presence means the bytes were not UTF-8.
 */
function isForbiddenCharacter(code: number): boolean {
  return (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f || code === 0xfffd
}

const YAML_MESSAGES: Record<string, string> = {
  TAB_AS_INDENT: 'tabs are not allowed for indentation; use spaces',
  MULTIPLE_DOCS: 'a config file holds a single YAML document; remove the extra "---"',
  TAG_RESOLVE_FAILED: 'unsupported YAML tag',
}

function characterIssues(text: string, lines: LineCounter): ConfigIssue[] {
  const issues: ConfigIssue[] = []
  for (let offset = 0; offset < text.length && issues.length < MAX_CHARACTER_ISSUES; offset++) {
    const code = text.charCodeAt(offset)
    if (!isForbiddenCharacter(code)) continue
    const name = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`
    const message =
      code === 0xfffd
        ? `invalid UTF-8 (replacement character ${name}); save the file as UTF-8`
        : `control character ${name} is not allowed`
    issues.push(at(lines, offset, message))
  }
  return issues
}

function at(lines: LineCounter, offset: number, message: string): ConfigIssue {
  const { line, col } = lines.linePos(offset)
  return { path: `line ${line}:${col}`, message, line, column: col }
}

function yamlIssue(
  text: string,
  lines: LineCounter,
  problem: { code: string; message: string; pos: [number, number] },
): ConfigIssue {
  if (problem.code === 'DUPLICATE_KEY') {
    const written = /^(?:"[^"\n]*"|'[^'\n]*'|[^:#\n]*)/.exec(text.slice(problem.pos[0]))?.[0] ?? ''
    const key = written
      .trim()
      .replace(/^["']|["']$/g, '')
      .slice(0, 60)
    return at(lines, problem.pos[0], `duplicate key ${JSON.stringify(key)}`)
  }
  const known = YAML_MESSAGES[problem.code]
  const raw = problem.message.split('\n')[0] ?? problem.message
  const message = known === undefined ? raw.charAt(0).toLowerCase() + raw.slice(1) : known
  return at(lines, problem.pos[0], `YAML syntax error: ${message}`)
}

/**
 * Reads YAML text into plain data, strictly: one document, unique keys, no unknown tags, bounded
 * alias expansion, no control characters. Throws a ConfigError with line:column positions.
 */
export function readYaml(text: string, sourceName: string): YamlSource {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text
  const lines = new LineCounter()
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, strict: true })
  const issues = [
    ...characterIssues(source, lines),
    ...[...doc.errors, ...doc.warnings].map((problem) => yamlIssue(source, lines, problem)),
  ]
  if (issues.length > 0) throw new ConfigError(sourceName, issues)
  let data: unknown
  try {
    data = doc.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT })
  } catch (cause) {
    const message = `YAML aliases expand too much (more than ${MAX_YAML_ALIAS_COUNT}); write the values out instead`
    throw new ConfigError(sourceName, [{ path: '(file)', message }], { cause })
  }
  const locate: Locate = (path, options) => {
    if (options?.isKey === true && path.length > 0) {
      const parent = doc.getIn(path.slice(0, -1), true)
      const pair = isMap(parent)
        ? parent.items.find((item) => isScalar(item.key) && item.key.value === path.at(-1))
        : undefined
      if (isScalar(pair?.key)) return positionOf(lines, pair.key)
    }
    for (let depth = path.length; depth >= 0; depth--) {
      const node = doc.getIn(path.slice(0, depth), true)
      if (isMap(node) || isSeq(node) || isScalar(node)) return positionOf(lines, node)
    }
    return undefined
  }
  return { data, locate }
}

function positionOf(lines: LineCounter, node: Node | Scalar): { line: number; column: number } | undefined {
  if (node.range === undefined || node.range === null) return undefined
  const { line, col } = lines.linePos(node.range[0])
  return { line, column: col }
}
