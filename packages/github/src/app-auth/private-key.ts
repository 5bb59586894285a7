import { createPrivateKey } from 'node:crypto';

/**
 * A GitHub App private key as given in the environment, made into a PEM: `.env` files and some secret stores
 * hold it on one line with `\n` escapes, which the PEM parser does not read. A text that is not an RSA private key
 * (GitHub's keys are RSA; the JWT is RS256) gives a `problem` to show, which never quotes the key.
 */
export function normalizePrivateKey(text: string): { pem: string } | { problem: string } {
  const pem = (text.includes('\n') ? text : text.replace(/\\n/g, '\n')).trim();
  if (!pem.startsWith('-----BEGIN')) {
    return {
      problem:
        'is not a PEM private key: expected the contents of the .pem file GitHub generated (its first line is the PEM header of an RSA private key), or set GITHUB_APP_PRIVATE_KEY_FILE to its path',
    };
  }
  try {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== 'rsa') {
      return { problem: `is a ${key.asymmetricKeyType ?? 'non-RSA'} key; GitHub App keys are RSA (RS256)` };
    }
  } catch {
    return { problem: 'cannot be read as a PEM private key (truncated, or not a private key?)' };
  }
  return { pem };
}
