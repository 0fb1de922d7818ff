/**
 * Read-only handles for tests and support (`window.__vettingMedia`): the page's peer connections (so
 * `getStats()` can be read), its local stream and the signals the server refused. Nothing here controls media.
 */
export interface MediaDebug {
  connections: Record<string, RTCPeerConnection>;
  local: MediaStream | null;
  refusals: { room: string; to: string; code: string }[];
  /** The last signalling steps, newest last (what was sent and received, connection states). */
  log: string[];
}

export const mediaDebug: MediaDebug = { connections: {}, local: null, refusals: [], log: [] };

export function mediaLog(line: string): void {
  mediaDebug.log.push(`${new Date().toISOString().slice(11, 23)} ${line}`);
  if (mediaDebug.log.length > 1000) mediaDebug.log.shift();
}
(window as unknown as { __vettingMedia: MediaDebug }).__vettingMedia = mediaDebug;
