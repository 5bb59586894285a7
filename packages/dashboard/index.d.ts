/**
 * The absolute path of the built dashboard (`dist/`: `index.html` and `assets/`), for the gateway to serve.
 * The directory is missing until `pnpm build` (or `pnpm build:ui`) has run.
 */
export declare function dashboardAssetsDir(): string;
