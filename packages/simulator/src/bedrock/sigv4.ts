import { createHash, createHmac } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'

/**
 * AWS Signature Version 4, computed the way AWS publishes it
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html), for services
 * other than S3: the path is normalised and URI-encoded a second time.
 */

export const sigV4Algorithm = 'AWS4-HMAC-SHA256'

export interface CanonicalRequestInput {
  readonly method: string
  /** The path as sent on the wire (already encoded once). */
  readonly rawPath: string
  /** The query string as sent, without `?`. */
  readonly query: string
  readonly headers: IncomingHttpHeaders
  /** Lower-case header names, in the order the Authorization header lists them. */
  readonly signedHeaders: readonly string[]
  readonly payloadHash: string
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex')
}

/** RFC 3986 encoding: `encodeURIComponent` plus `!'()*`. */
export function escapeUri(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
}

export function canonicalUri(rawPath: string): string {
  const segments: string[] = []
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') continue
    if (segment === '..') segments.pop()
    else segments.push(segment)
  }
  const trailing = segments.length > 0 && rawPath.endsWith('/') ? '/' : ''
  return `/${segments.map(escapeUri).join('/')}${trailing}`
}

export function canonicalQuery(query: string): string {
  if (query === '') return ''
  const pairs: [string, string][] = []
  for (const part of query.split('&')) {
    if (part === '') continue
    const equals = part.indexOf('=')
    const key = decodeQueryComponent(equals < 0 ? part : part.slice(0, equals))
    const value = equals < 0 ? '' : decodeQueryComponent(part.slice(equals + 1))
    if (key.toLowerCase() === 'x-amz-signature') continue
    pairs.push([escapeUri(key), escapeUri(value)])
  }
  pairs.sort(([keyA, valueA], [keyB, valueB]) => compare(keyA, keyB) || compare(valueA, valueB))
  return pairs.map(([key, value]) => `${key}=${value}`).join('&')
}

function compare(a: string, b: string): number {
  if (a === b) return 0
  return a < b ? -1 : 1
}

function decodeQueryComponent(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

function canonicalHeaderValue(value: string | string[] | undefined): string {
  const joined = Array.isArray(value) ? value.join(',') : (value ?? '')
  return joined.trim().replace(/\s+/g, ' ')
}

export function canonicalRequest(input: CanonicalRequestInput): string {
  let headers = ''
  for (const name of input.signedHeaders) headers += `${name}:${canonicalHeaderValue(input.headers[name])}\n`
  return [
    input.method,
    canonicalUri(input.rawPath),
    canonicalQuery(input.query),
    headers,
    input.signedHeaders.join(';'),
    input.payloadHash,
  ].join('\n')
}

/** `date/region/service/aws4_request`. */
export function credentialScope(date: string, region: string, service: string): string {
  return `${date}/${region}/${service}/aws4_request`
}

export function stringToSign(amzDate: string, scope: string, canonical: string): string {
  return `${sigV4Algorithm}\n${amzDate}\n${scope}\n${sha256Hex(canonical)}`
}

export function signingKey(secretAccessKey: string, date: string, region: string, service: string): Buffer {
  const dateKey = createHmac('sha256', `AWS4${secretAccessKey}`).update(date).digest()
  const regionKey = createHmac('sha256', dateKey).update(region).digest()
  const serviceKey = createHmac('sha256', regionKey).update(service).digest()
  return createHmac('sha256', serviceKey).update('aws4_request').digest()
}

export function signature(key: Buffer, toSign: string): string {
  return createHmac('sha256', key).update(toSign).digest('hex')
}
