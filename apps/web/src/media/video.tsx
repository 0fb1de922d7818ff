import { useEffect, useRef } from 'react';

/** A `<video>` showing a MediaStream (nothing while there is none). */
export function Video({
  stream,
  label,
  muted,
  mirrored,
  height = 240,
}: {
  stream: MediaStream | null;
  label: string;
  muted: boolean;
  mirrored?: boolean;
  height?: number;
}) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const v = ref.current;
    if (!v) return;
    if (v.srcObject !== stream) v.srcObject = stream;
    if (stream) void v.play().catch(() => undefined);
  }, [stream]);
  return (
    <video
      ref={ref}
      aria-label={label}
      autoPlay
      playsInline
      muted={muted}
      style={{
        width: '100%',
        height,
        background: '#1a1b1e',
        objectFit: 'cover',
        borderRadius: 4,
        transform: mirrored ? 'scaleX(-1)' : undefined,
      }}
    />
  );
}
