import { createHash } from 'node:crypto';
import { ManifestInput } from './manifest.types';
import { renderReadme } from './readme.renderer';
import { renderSkills } from './skills.renderer';

/** The manifests every cluster has, by file name, with their renderer. */
export const MANIFEST_RENDERERS = {
  'README.md': renderReadme,
  'SKILLS.md': renderSkills,
} as const satisfies Record<string, (input: ManifestInput) => string>;

export type ManifestName = keyof typeof MANIFEST_RENDERERS;

export const MANIFEST_NAMES = Object.keys(MANIFEST_RENDERERS) as ManifestName[];

export const isManifestName = (name: string): name is ManifestName => (MANIFEST_NAMES as string[]).includes(name);

/**
 * What a manifest name may look like at all (a file name, no path): anything else in a request is
 * a malformed name (400), while a well-formed name that is not a manifest is unknown (404).
 */
export const MANIFEST_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** The stored checksum: SHA-256 of the UTF-8 content, hex. */
export function manifestChecksum(content: string): string {
  return createHash('sha256').update(content, 'utf8').digest('hex');
}

export function renderManifest(name: ManifestName, input: ManifestInput): string {
  return MANIFEST_RENDERERS[name](input);
}
