import { readFile } from 'node:fs/promises'
import type { ConfigFile } from '@switchyard/contracts'
import { ConfigError } from './config-error.ts'
import { parseConfigText } from './parse-config-text.ts'

/** Config files are small; anything this big is the wrong file. */
export const MAX_CONFIG_FILE_BYTES = 4 * 1024 * 1024

const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'is a directory, not a file',
}

/** Reads a config file (strict UTF-8) and parses it; every failure is a ConfigError with exit code 2. */
export async function loadConfigFile(path: string): Promise<ConfigFile> {
  let bytes: Buffer
  try {
    bytes = await readFile(path)
  } catch (cause) {
    const code = typeof cause === 'object' && cause !== null && 'code' in cause ? String(cause.code) : ''
    const message = `cannot read the file: ${REASONS[code] ?? (cause instanceof Error ? cause.message : String(cause))}`
    throw new ConfigError(path, [{ path: '(file)', message }], { summary: `Cannot read config file ${path}:`, cause })
  }
  if (bytes.byteLength > MAX_CONFIG_FILE_BYTES) {
    const message = `the file is ${bytes.byteLength} bytes; config files are limited to ${MAX_CONFIG_FILE_BYTES}`
    throw new ConfigError(path, [{ path: '(file)', message }])
  }
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch (cause) {
    throw new ConfigError(path, [{ path: '(file)', message: 'the file is not valid UTF-8; save it as UTF-8' }], {
      cause,
    })
  }
  return parseConfigText(text, path)
}
