// Writes packages/contracts/config.schema.json from the ConfigFile zod schema.
// `--check` writes nothing and exits 1 if the committed file differs (CI runs it).

import { readFile, writeFile } from 'node:fs/promises'
import { configJsonSchemaText } from '../src/config-json-schema.ts'

const target = new URL('../config.schema.json', import.meta.url)
const shownPath = 'packages/contracts/config.schema.json'
const expected = configJsonSchemaText()

if (process.argv.includes('--check')) {
  const committed = await readFile(target, 'utf8').catch(() => undefined)
  if (committed === expected) {
    console.log(`${shownPath} is up to date`)
  } else {
    const state = committed === undefined ? 'is missing' : 'is out of date with the ConfigFile schema'
    console.error(`${shownPath} ${state}. Run \`pnpm schema:generate\` and commit the result.`)
    process.exitCode = 1
  }
} else {
  await writeFile(target, expected)
  console.log(`wrote ${shownPath}`)
}
