/** sha256 of `body` as lowercase hex. WebCrypto hashes off the event loop, which matters for tens of MB. */
export async function sha256Hex(body: Uint8Array): Promise<string> {
  const view =
    body.buffer instanceof ArrayBuffer ? new Uint8Array(body.buffer, body.byteOffset, body.byteLength) : body.slice()
  const digest = await crypto.subtle.digest('SHA-256', view)
  return Buffer.from(digest).toString('hex')
}
