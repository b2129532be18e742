import { Hash } from '@smithy/hash-node'
import { SignatureV4 } from '@smithy/signature-v4'

/**
 * AWS's own SigV4 signer (`@smithy/signature-v4`, what the AWS SDK signs Bedrock calls with).
 * Tests use it to prove the simulator's verifier agrees with AWS, not just with our own signer.
 */
export async function signWithSmithy(input: {
  readonly url: string
  readonly body: string
  readonly region: string
  readonly accessKeyId: string
  readonly secretAccessKey: string
}): Promise<Record<string, string>> {
  const url = new URL(input.url)
  const signer = new SignatureV4({
    credentials: { accessKeyId: input.accessKeyId, secretAccessKey: input.secretAccessKey },
    region: input.region,
    service: 'bedrock',
    sha256: Hash.bind(null, 'sha256'),
  })
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: url.pathname,
    query: {},
    headers: { host: url.host, 'content-type': 'application/json' },
    body: input.body,
  })
  const { host: _host, ...headers } = signed.headers
  return headers
}
