import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { NOTIFICATION_TYPES } from './notification-types';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

describe('NOTIFICATION_TYPES', () => {
  it('lists every type a service notifies with (webhook events are checked against it)', () => {
    const used = new Set<string>();
    for (const file of sources(join(__dirname, '..', '..', '..'))) {
      if (file.endsWith('notification-types.ts')) continue;
      const text = readFileSync(file, 'utf8');
      // Files that notify, build the inputs a caller notifies with, or store notifications set-based (fan-out).
      if (!/\bnotify(Many|Participants)?\(|\bNotifyInput\b|\bdeliverStored\(/.test(text)) continue;
      for (const m of text.matchAll(/\btype: '([a-z]+\.[a-z]+(?:-[a-z]+)*)'/g)) used.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(10);
    expect([...used].filter((t) => !(NOTIFICATION_TYPES as readonly string[]).includes(t))).toEqual([]);
  });
});
