import * as fs from 'fs';
import { parse as parseYaml } from 'yaml';

/**
 * Reads a YAML (or JSON) settings file for either program. Here because the
 * coordinator and the agent never import each other; a problem names the file.
 */
export function readSettingsFile(file: string): { settings: Record<string, unknown> } | { problem: string } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    return { problem: `${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` };
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    return { problem: `${file}: not valid YAML: ${(err as Error).message.split('\n')[0]}` };
  }
  if (doc === null || doc === undefined) return { settings: {} };
  if (typeof doc !== 'object' || Array.isArray(doc)) return { problem: `${file}: must be a mapping of setting: value` };
  return { settings: doc as Record<string, unknown> };
}

/** true/false/1/0 from environment strings; anything else is left for the schema to refuse. */
export const envBoolean = (v: unknown): unknown =>
  v === 'true' || v === '1' ? true : v === 'false' || v === '0' || v === '' ? false : v;

/** Whether a file named in the settings can be read by this process. */
export function isReadable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.R_OK);
    return true;
  } catch {
    return false;
  }
}
