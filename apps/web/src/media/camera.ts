import { useState } from 'react';

/**
 * The candidate's camera for a proctored test: asked for in the lobby, before the clock starts, and handed
 * to the runner (which shares it with watching proctors). Kept outside React so it survives the lobby.
 */
let camera: MediaStream | null = null;
let denied = false;

export async function acquireCamera(): Promise<MediaStream> {
  const live = camera?.getVideoTracks().some((t) => t.readyState === 'live');
  if (camera && live) return camera;
  camera = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240 }, audio: false });
  denied = false;
  return camera;
}

/** The camera asked for in the lobby, if any; the runner asks again after a reload. */
export const currentCamera = () => camera;

/** The lobby started a camera-optional test without a camera: the runner reports `camera_denied` once. */
export function takeCameraDenied(): boolean {
  const was = denied;
  denied = false;
  return was;
}

export function releaseCamera(): void {
  camera?.getTracks().forEach((t) => t.stop());
  camera = null;
}

/**
 * "Start test" of a proctored test: asks for the camera first. Without it a test that requires the camera
 * does not start (the page says why); a camera-optional one starts and the refusal becomes an integrity signal.
 */
export function useCameraStart(assessment: { proctored: boolean; cameraRequired?: boolean }, onStart: () => void) {
  const [problem, setProblem] = useState<string | null>(null);
  const [asking, setAsking] = useState(false);
  const required = assessment.cameraRequired ?? assessment.proctored;
  const start = async () => {
    setProblem(null);
    if (!assessment.proctored) return onStart();
    setAsking(true);
    try {
      await acquireCamera();
      onStart();
    } catch (err) {
      const why =
        (err as Error).name === 'NotAllowedError'
          ? 'the browser was not allowed to use the camera'
          : `no camera is available (${(err as Error).name})`;
      if (required)
        setProblem(
          `This test needs your camera, and ${why}. Allow the camera for this site and press Start test again.`,
        );
      else {
        denied = true;
        onStart();
      }
    } finally {
      setAsking(false);
    }
  };
  return { start, problem, asking, required };
}
