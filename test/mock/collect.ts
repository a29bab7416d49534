/** Reads a litellm stream to the end: its chunks and the text of their deltas. */
export async function collect(stream: AsyncIterable<any>): Promise<{ text: string; chunks: any[] }> {
  const chunks: any[] = [];
  let text = '';
  for await (const c of stream) {
    chunks.push(c);
    text += c.choices[0]?.delta?.content ?? '';
  }
  return { text, chunks };
}
