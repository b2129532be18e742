import type { ScenarioRegistry } from '../scenarios/scenario-registry.ts'

export interface BedrockCredentials {
  readonly accessKeyId: string
  readonly secretAccessKey: string
}

export interface SimulatorHandlerOptions {
  /** Shared with the caller so tests can script behaviour; a fresh one when omitted. */
  readonly scenarios?: ScenarioRegistry
  /** When set, Bedrock requests must be SigV4-signed with exactly these credentials. */
  readonly bedrockCredentials?: BedrockCredentials
  /** Request bodies above this are refused with 413 (default 20 MiB). */
  readonly maxBodyBytes?: number
}

export const defaultMaxBodyBytes = 20 * 1024 * 1024
