/** One problem in a config file: where it is, and what is wrong, in words a person can act on. */
export interface ConfigIssue {
  /** `models[2].deployments[0].provider`, `line 3:7` for YAML syntax, `(root)` or `(file)`. */
  readonly path: string
  readonly message: string
  /** 1-based position in the source text, when known. */
  readonly line?: number
  readonly column?: number
}

/**
 * A config file that cannot be used, with every problem found. `message` is ready to print: a
 * summary line, then one `path: problem` line per issue. A CLI exits with `exitCode`.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError'
  readonly exitCode = 2
  readonly sourceName: string
  readonly issues: readonly ConfigIssue[]

  constructor(sourceName: string, issues: readonly ConfigIssue[], options?: { summary?: string; cause?: unknown }) {
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`
    const summary = options?.summary ?? `${sourceName} is not a valid Switchyard config (${count}):`
    super(
      [summary, ...issues.map(formatIssue)].join('\n'),
      options?.cause === undefined ? {} : { cause: options.cause },
    )
    this.sourceName = sourceName
    this.issues = issues
  }
}

/** `path: problem`, the one-line form every tool prints. */
export function formatIssue(issue: ConfigIssue): string {
  return `${issue.path}: ${issue.message}`
}
