import { type ClickHouseClient, type ClickHouseClientConfigOptions, createClient } from '@clickhouse/client'

export type ClickHouseTarget =
  /** A ClickHouse server over HTTP(S) (distributed mode). */
  | { readonly kind: 'server'; readonly url: string; readonly username?: string; readonly password?: string }
  /** The embedded chDB engine on local disk (embedded mode, local runs and CI). */
  | { readonly kind: 'embedded'; readonly path: string }

export interface ClickHouseHandle {
  readonly client: ClickHouseClient
  readonly target: ClickHouseTarget['kind']
  ping(): Promise<void>
  close(): Promise<void>
}

/**
 * Settings that make the engine answer the same way embedded and on a server. chDB's defaults
 * differ from a server's: it writes 64-bit integers as JSON numbers, which lose precision
 * past 2^53, so both are told to quote them.
 */
const sharedSettings = { output_format_json_quote_64bit_integers: 1 } as const

/**
 * Opens ClickHouse through `@clickhouse/client` either way: the same client API, only the
 * connection differs. chDB is loaded only when asked for, so server deployments never load
 * its native library.
 */
export async function openClickHouse(target: ClickHouseTarget): Promise<ClickHouseHandle> {
  const client =
    target.kind === 'server'
      ? createClient({
          clickhouse_settings: sharedSettings,
          url: target.url,
          ...(target.username === undefined ? {} : { username: target.username }),
          ...(target.password === undefined ? {} : { password: target.password }),
        })
      : createClient({
          clickhouse_settings: sharedSettings,
          connection: await openChdbConnection(target.path),
        })
  return {
    client,
    target: target.kind,
    async ping() {
      const result = await client.ping()
      if (!result.success)
        throw new ClickHouseUnavailableError('ClickHouse did not answer a ping', { cause: result.error })
    },
    close: () => client.close(),
  }
}

export class ClickHouseUnavailableError extends Error {
  override readonly name = 'ClickHouseUnavailableError'
}

type ClientConnection = NonNullable<ClickHouseClientConfigOptions['connection']>

/**
 * chDB implements the client's `Connection` interface, but types it against its own copy of
 * `@clickhouse/client-common`; the two copies differ only under `exactOptionalPropertyTypes`,
 * hence the cast.
 */
async function openChdbConnection(path: string): Promise<ClientConnection> {
  const { createChdbConnection } = await import('chdb/connection')
  return createChdbConnection({ path }) as unknown as ClientConnection
}
