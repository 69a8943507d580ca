/**
 * Which of `parts` scoring threads owns a card: a hash of the card id's text,
 * so every transaction of a card is scored by the same thread, against the
 * history that thread alone keeps, in file order. The same for the text as a
 * string and as its bytes (ASCII bytes hash as their characters).
 */
export function cardPart(cardId: string, parts: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < cardId.length; i++) h = Math.imul(h ^ cardId.charCodeAt(i), 16777619);
  return (h >>> 0) % parts;
}

/** `cardPart` of the text of buf[s, e), read from the bytes when they are ASCII. */
export function cardPartOfBytes(buf: Buffer, s: number, e: number, parts: number): number {
  let h = 0x811c9dc5;
  for (let i = s; i < e; i++) {
    const b = buf[i];
    if (b >= 0x80) return cardPart(buf.toString('utf8', s, e), parts);
    h = Math.imul(h ^ b, 16777619);
  }
  return (h >>> 0) % parts;
}
