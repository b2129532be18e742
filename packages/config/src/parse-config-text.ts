import { ConfigFile } from '@switchyard/contracts'
import { ConfigError } from './config-error.ts'
import { describeZodIssue } from './describe-zod-issue.ts'
import { readYaml } from './read-yaml.ts'
import { toConfigIssues } from './zod-issues.ts'

/**
 * Parses and validates config file text. Pure: no I/O, no environment. Throws a ConfigError
 * listing every problem found, YAML ones with line:column, schema ones by path.
 */
export function parseConfigText(text: string, sourceName = 'config'): ConfigFile {
  const { data, locate } = readYaml(text, sourceName)
  if (data === null || data === undefined) {
    throw new ConfigError(sourceName, [
      { path: '(root)', message: 'the file is empty; it needs at least "version: 1"' },
    ])
  }
  const parsed = ConfigFile.safeParse(data, { error: describeZodIssue })
  if (!parsed.success) throw new ConfigError(sourceName, toConfigIssues(parsed.error, locate))
  return parsed.data
}
