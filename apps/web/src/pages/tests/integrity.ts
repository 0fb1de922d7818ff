import { useEffect } from 'react';
import type { Socket } from 'socket.io-client';

type SignalType =
  | 'focus_lost'
  | 'focus_regained'
  | 'tab_hidden'
  | 'tab_visible'
  | 'paste'
  | 'copy'
  | 'fullscreen_exit'
  | 'fullscreen_enter'
  | 'extended_display';

/**
 * The page's own integrity signals while the attempt runs: tab visibility, window focus (with the time
 * away), paste (with its length), copy, full-screen exit/enter, and an extended display where the
 * browser tells (Window Management API's `screen.isExtended`). Sent as `attempt:signal`; Socket.IO
 * buffers them while the connection is down.
 */
export function useIntegritySignals(socket: Socket | null, attemptId: string, active: boolean): void {
  useEffect(() => {
    if (!socket || !active) return;
    const send = (type: SignalType, data?: { durationMs?: number; length?: number }) =>
      socket.emit('attempt:signal', { attemptId, type, ...(data ? { data } : {}) }, () => undefined);
    let blurredAt: number | null = null;
    const onVisibility = () => send(document.visibilityState === 'hidden' ? 'tab_hidden' : 'tab_visible');
    const onBlur = () => {
      if (blurredAt !== null) return;
      blurredAt = Date.now();
      send('focus_lost');
    };
    const onFocus = () => {
      if (blurredAt === null) return;
      send('focus_regained', { durationMs: Date.now() - blurredAt });
      blurredAt = null;
    };
    const onPaste = (e: ClipboardEvent) =>
      send('paste', { length: e.clipboardData?.getData('text/plain').length ?? 0 });
    const onCopy = () => send('copy');
    const onFullscreen = () => send(document.fullscreenElement ? 'fullscreen_enter' : 'fullscreen_exit');
    const screenApi = window.screen as unknown as {
      isExtended?: boolean;
      addEventListener?: (t: 'change', l: () => void) => void;
      removeEventListener?: (t: 'change', l: () => void) => void;
    };
    const onScreen = () => {
      if (screenApi.isExtended) send('extended_display');
    };
    document.addEventListener('visibilitychange', onVisibility);
    window.addEventListener('blur', onBlur);
    window.addEventListener('focus', onFocus);
    document.addEventListener('paste', onPaste, true);
    document.addEventListener('copy', onCopy, true);
    document.addEventListener('fullscreenchange', onFullscreen);
    onScreen();
    screenApi.addEventListener?.('change', onScreen);
    return () => {
      document.removeEventListener('visibilitychange', onVisibility);
      window.removeEventListener('blur', onBlur);
      window.removeEventListener('focus', onFocus);
      document.removeEventListener('paste', onPaste, true);
      document.removeEventListener('copy', onCopy, true);
      document.removeEventListener('fullscreenchange', onFullscreen);
      screenApi.removeEventListener?.('change', onScreen);
    };
  }, [socket, attemptId, active]);
}
