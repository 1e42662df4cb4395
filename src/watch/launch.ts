// Background uploader while the build runs (issue 7). Until it lands, the post step pushes everything.
import * as core from '@actions/core';
import type { Settings } from '../config.ts';

export async function startWatcher(_settings: Settings, _snapshotFile: string, _dir: string): Promise<{ pid: number; dir: string } | null> {
  core.info('push-while-building is not available yet: the post step pushes everything');
  return null;
}
