import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import type { NatsServerHandle, PostgresServerHandle } from '@switchyard/test-services'
import { type NodeProcess, startNodeProcess } from './node-process.ts'

/** The secrets a control plane and its gateways must share: the credentials keyring and the key pepper. */
export function sharedSecrets(): Record<string, string> {
  return {
    SWITCHYARD_SECRETS_KEYRING: `e2e:${randomBytes(32).toString('base64')}`,
    SWITCHYARD_KEY_PEPPER: randomBytes(24).toString('base64'),
  }
}

export interface StartedProcess {
  readonly process: NodeProcess
  readonly url: string
}

/** A control-plane process on a fresh database, applying `configPath`, listening on a free port. */
export async function startControlPlaneProcess(options: {
  readonly postgres: PostgresServerHandle
  readonly nats: NatsServerHandle
  readonly secrets: Record<string, string>
  readonly configPath: string
  /** The config's `{ env: … }` values, an admin token, and anything else. */
  readonly env?: Record<string, string>
}): Promise<StartedProcess> {
  const process = startNodeProcess('control-plane', {
    ...options.secrets,
    SWITCHYARD_DATABASE_URL: await options.postgres.createDatabase('switchyard'),
    SWITCHYARD_NATS_URL: options.nats.url,
    SWITCHYARD_CONTROL_PLANE_PORT: '0',
    SWITCHYARD_CONFIG: options.configPath,
    ...options.env,
  })
  return { process, url: String((await process.waitForLog('control plane listening')).url) }
}

/** A gateway process on loopback, its snapshot cache and usage spool under `workDir`, named `podId`. */
export function startGatewayProcess(options: {
  readonly nats: NatsServerHandle
  readonly secrets: Record<string, string>
  readonly podId: string
  readonly workDir: string
  readonly env?: Record<string, string>
}): NodeProcess {
  return startNodeProcess('gateway', {
    ...options.secrets,
    SWITCHYARD_NATS_URL: options.nats.url,
    SWITCHYARD_GATEWAY_HOST: '127.0.0.1',
    SWITCHYARD_GATEWAY_PORT: '0',
    SWITCHYARD_POD_ID: options.podId,
    SWITCHYARD_SNAPSHOT_CACHE: join(options.workDir, `snapshot-${options.podId}.json`),
    SWITCHYARD_USAGE_SPOOL_DIR: join(options.workDir, `spool-${options.podId}`),
    ...options.env,
  })
}

/** Starts a gateway and waits until it listens. */
export async function listeningGateway(options: Parameters<typeof startGatewayProcess>[0]): Promise<StartedProcess> {
  const process = startGatewayProcess(options)
  return { process, url: String((await process.waitForLog('gateway listening')).url) }
}
