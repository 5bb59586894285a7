/** The gateway's version; `scripts/versioning.sh` rewrites this line, and `APP_VERSION` overrides it at run time. */
export const VERSION = '0.1.0';
