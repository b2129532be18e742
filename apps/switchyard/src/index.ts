export { EmbeddedConfig, readEmbeddedConfig } from './config.ts'
export { DataDirInUseError, lockDataDir } from './data-dir-lock.ts'
export { type RunningEmbedded, startEmbedded } from './start-embedded.ts'
