// The package's Node entry: where the built page is. Plain JavaScript, so that the gateway can import it before
// (and without) the page being built; its type is in index.d.ts.
import { fileURLToPath } from 'node:url';

/** @returns {string} */
export function dashboardAssetsDir() {
  return fileURLToPath(new URL('./dist/', import.meta.url)).replace(/[\\/]$/, '');
}
