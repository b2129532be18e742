import { z } from 'zod'
import { ConfigFile } from './config-file.ts'

/**
 * The JSON Schema of the config file as people write it (defaults optional, dollars as written),
 * for editors (`# yaml-language-server: $schema=…`) and other tools. Cross-references and other
 * refinements are not expressible in JSON Schema; `switchyard validate` checks those.
 * Draft-07, the draft YAML editors support best.
 */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ConfigFile, { io: 'input', target: 'draft-07', unrepresentable: 'throw' }),
    $id: 'https://switchyard.dev/schemas/config.schema.json',
    title: 'Switchyard config file',
  }
}

/** The committed form of the schema: two-space JSON with a trailing newline. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`
}
