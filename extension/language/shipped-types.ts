/** Where the build puts the `rookery` declarations inside the extension (esbuild.mjs emits dist/types/api.d.ts). */
import { join } from 'node:path';

export function shippedTypesPath(extensionPath: string): string {
  return join(extensionPath, 'dist', 'types', 'api.d.ts');
}
