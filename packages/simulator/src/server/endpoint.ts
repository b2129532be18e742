import type { IncomingHttpHeaders } from 'node:http'
import type { Scenario } from '../scenarios/scenario.ts'
import type { JsonReply, Reply } from './reply.ts'

/** One provider family's way of saying "error": its JSON shape, its headers. */
export interface ErrorDialect {
  /** The error reply for a status; the message defaults to the provider's usual one. */
  error(status: number, message?: string, param?: string): JsonReply
}

export interface IncomingCall {
  readonly method: string
  /** The path as received, still percent-encoded (SigV4 signs it that way). */
  readonly rawPath: string
  /** The query string without `?`, still encoded. */
  readonly query: string
  /** Decoded path parameters captured by the route. */
  readonly params: readonly string[]
  readonly headers: IncomingHttpHeaders
  readonly body: Buffer | undefined
  /** `Date.now()` when the request arrived. */
  readonly startedAtMs: number
}

/** A request that parsed and validated: what is left is to answer it. */
export interface PreparedCall {
  readonly kind: 'prepared'
  /** The model, deployment or model id scenarios are keyed by; undefined when none apply. */
  readonly scenarioKey: string | undefined
  reply(scenario: Scenario | undefined): Reply
}

export interface Endpoint {
  readonly dialect: ErrorDialect
  readonly hasBody: boolean
  /** A reply when the credentials are missing or wrong. */
  authenticate(call: IncomingCall): JsonReply | undefined
  /** Validates the parsed body (undefined for body-less endpoints). */
  prepare(json: unknown, call: IncomingCall): PreparedCall | JsonReply
}

export interface Route {
  readonly method: 'GET' | 'POST'
  /** An exact path, or a pattern whose capture groups become the (decoded) params. */
  readonly path: string | RegExp
  readonly endpoint: Endpoint
}

/** All routes under one URL prefix, and the dialect for errors that match no route. */
export interface ProviderFamily {
  readonly prefix: string
  readonly dialect: ErrorDialect
  readonly routes: readonly Route[]
}

/** Reads one query parameter without parsing the whole query on the hot path. */
export function queryParam(query: string, name: string): string | undefined {
  if (query === '' || !query.includes(name)) return undefined
  return new URLSearchParams(query).get(name) ?? undefined
}

export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name]
  return Array.isArray(value) ? value[0] : value
}
