import { connect } from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import { type NatsServerHandle, type PostgresServerHandle, startNatsServer, startPostgresServer } from './index.ts'

const canConnect = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })

describe('test services', () => {
  const disposers: Array<() => Promise<void>> = []
  afterAll(async () => {
    for (const dispose of disposers) await dispose()
  })

  it('starts nats-server with JetStream on loopback, stops it and brings it back', async () => {
    const nats: NatsServerHandle = await startNatsServer()
    disposers.push(() => nats.dispose())
    expect(await canConnect(nats.port)).toBe(true)
    await nats.stop()
    expect(await canConnect(nats.port)).toBe(false)
    await nats.start()
    expect(await canConnect(nats.port)).toBe(true)
  })

  it('starts a throwaway PostgreSQL and creates databases in it', async () => {
    const pg: PostgresServerHandle = await startPostgresServer()
    disposers.push(() => pg.dispose())
    expect(await canConnect(pg.port)).toBe(true)
    const url = await pg.createDatabase('switchyard_test')
    expect(url).toBe(`postgres://postgres@127.0.0.1:${pg.port}/switchyard_test`)
  })
})
