/**
 * A model of an asynchronous serial receiver (8N1) listening at the wrong baud rate: it turns the
 * bytes a radio gateway sends at `sendBaud` into the bytes a UART set to `receiveBaud` delivers. The
 * receiver waits for a falling edge, samples the start bit, 8 data bits (least significant first) and
 * the stop bit in the middle of each of its own bit times. A frame whose stop bit reads 0 is delivered
 * as a NUL byte, as a Linux tty in raw mode does with a framing error (termios(3): without IGNPAR or
 * PARMRK, a character with a framing error is read as \0).
 */
export function receiveAtWrongBaud(sent: Uint8Array, sendBaud: number, receiveBaud: number, idleBitsBetweenBytes = 0): Buffer {
  // The line level over time as a list of bits at the sender's rate; idle is 1.
  const bits: number[] = [1, 1, 1, 1];
  for (const byte of sent) {
    bits.push(0);
    for (let bit = 0; bit < 8; bit += 1) {
      bits.push((byte >> bit) & 1);
    }
    bits.push(1);
    for (let idle = 0; idle < idleBitsBetweenBytes; idle += 1) {
      bits.push(1);
    }
  }
  bits.push(1, 1, 1, 1);

  const sendBitTime = 1 / sendBaud;
  const receiveBitTime = 1 / receiveBaud;
  const end = bits.length * sendBitTime;
  const levelAt = (time: number): number => bits[Math.min(bits.length - 1, Math.floor(time / sendBitTime))] ?? 1;

  // Step through time at a fraction of the shorter bit time to find falling edges.
  const step = Math.min(sendBitTime, receiveBitTime) / 16;
  const received: number[] = [];
  let previous = 1;
  let time = 0;
  while (time < end) {
    const level = levelAt(time);
    if (previous === 1 && level === 0) {
      const frameStart = time;
      if (levelAt(frameStart + receiveBitTime / 2) === 0) {
        let value = 0;
        for (let bit = 0; bit < 8; bit += 1) {
          value |= levelAt(frameStart + (bit + 1.5) * receiveBitTime) << bit;
        }
        const stop = levelAt(frameStart + 9.5 * receiveBitTime);
        received.push(stop === 1 ? value : 0);
        // The receiver looks for the next start bit only after the stop bit's sample.
        time = frameStart + 9.5 * receiveBitTime;
        previous = stop;
        continue;
      }
    }
    previous = level;
    time += step;
  }
  return Buffer.from(received);
}
