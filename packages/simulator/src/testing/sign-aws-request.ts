import { createHash, createHmac } from 'node:crypto'

/**
 * A minimal SigV4 signer for tests, written from AWS's published steps independently of the
 * simulator's verifier: it signs host, x-amz-date, x-amz-content-sha256 and content-type.
 */
export interface SignInput {
  readonly url: string
  readonly body: string
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly region: string
  readonly service?: string
  readonly date?: Date
}

const hex = (data: string) => createHash('sha256').update(data).digest('hex')
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest()

/** RFC 3986 percent-encoding of one path segment. */
const encodeSegment = (segment: string) =>
  encodeURIComponent(segment).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)

export function signAwsRequest(input: SignInput): Record<string, string> {
  const url = new URL(input.url)
  const service = input.service ?? 'bedrock'
  const amzDate = (input.date ?? new Date())
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')
  const day = amzDate.slice(0, 8)
  const payloadHash = hex(input.body)
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    host: url.host,
    'x-amz-content-sha256': payloadHash,
    'x-amz-date': amzDate,
  }
  const signedHeaders = Object.keys(headers).sort()
  // Non-S3 services sign the path URI-encoded once more than it travels.
  const canonicalPath = url.pathname.split('/').map(encodeSegment).join('/')
  const canonical = [
    'POST',
    canonicalPath,
    '',
    signedHeaders.map((name) => `${name}:${headers[name]}\n`).join(''),
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n')
  const scope = `${day}/${input.region}/${service}/aws4_request`
  const toSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${hex(canonical)}`
  const key = hmac(hmac(hmac(hmac(`AWS4${input.secretAccessKey}`, day), input.region), service), 'aws4_request')
  const signature = createHmac('sha256', key).update(toSign).digest('hex')
  const { host: _host, ...sent } = headers
  return {
    ...sent,
    authorization: `AWS4-HMAC-SHA256 Credential=${input.accessKeyId}/${scope}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`,
  }
}
