import type { Socket } from 'node:net';
import type { ErrorBody } from '@gha-ephemeral/contract';

/**
 * Node's `clientError`: a request so malformed that no route sees it (bad HTTP, headers over the size limit).
 * It still gets the product's JSON error shape, and the connection is closed.
 */
export function handleClientError(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const body: ErrorBody = tooLarge
    ? { code: 'request.too_large', message: 'The request headers are too large' }
    : { code: 'request.invalid', message: 'The request is not valid HTTP' };
  const text = JSON.stringify(body);
  const status = tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request';
  socket.end(
    `HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
  );
}
