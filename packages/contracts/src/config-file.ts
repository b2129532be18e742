import { z } from 'zod'

// Placeholder until the config-file schema lands (owned by the config work stream).
export const ConfigFile = z.object({ version: z.literal(1) })
export type ConfigFile = z.infer<typeof ConfigFile>
