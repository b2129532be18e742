import { Hash } from '@smithy/hash-node'
import { SignatureV4 } from '@smithy/signature-v4'
import type { UpstreamRequest } from '../provider-adapter.ts'

export interface AwsCredentials {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken?: string | undefined
}

export interface AwsSigningOptions {
  readonly credentials: AwsCredentials
  readonly region: string
  readonly service: string
  readonly signingDate: Date
}

/**
 * Signs a built request with AWS Signature Version 4 (smithy's signer, as the AWS SDK does):
 * adds `host`, `x-amz-date`, `x-amz-security-token` for temporary credentials and
 * `authorization`. The payload is hashed into the signature either way; the
 * `x-amz-content-sha256` header is S3's need, not Bedrock's, so it is not sent.
 */
export async function signAwsRequest(request: UpstreamRequest, options: AwsSigningOptions): Promise<UpstreamRequest> {
  const url = new URL(request.url)
  const query: Record<string, string | string[]> = {}
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key)
    query[key] = values.length === 1 ? (values[0] ?? '') : values
  }
  const { accessKeyId, secretAccessKey, sessionToken } = options.credentials
  const signer = new SignatureV4({
    service: options.service,
    region: options.region,
    credentials:
      sessionToken === undefined ? { accessKeyId, secretAccessKey } : { accessKeyId, secretAccessKey, sessionToken },
    sha256: Hash.bind(null, 'sha256'),
    applyChecksum: false,
  })
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port === '' ? {} : { port: Number(url.port) }),
      path: url.pathname,
      query,
      headers: { ...request.headers, host: url.host },
      body: request.body,
    },
    { signingDate: options.signingDate },
  )
  return { ...request, headers: signed.headers }
}
