import { createRandom, hashText } from './hash.ts'

/** A unit-length vector derived from the text alone, stored as float32 like real embeddings. */
export function embeddingVector(text: string, dimensions: number): Float32Array {
  const random = createRandom(hashText(text))
  const vector = new Float32Array(dimensions)
  let sumOfSquares = 0
  for (let index = 0; index < dimensions; index += 1) {
    const value = random() * 2 - 1
    vector[index] = value
    sumOfSquares += value * value
  }
  const scale = sumOfSquares > 0 ? 1 / Math.sqrt(sumOfSquares) : 0
  for (let index = 0; index < dimensions; index += 1) vector[index] = (vector[index] ?? 0) * scale
  return vector
}

/** Little-endian float32 bytes in base64, as OpenAI's `encoding_format: "base64"`. */
export function vectorToBase64(vector: Float32Array): string {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64')
}
