// The nonce of every page NetLens builds (the webviews and the exported standalone file): 128
// random bits in hex, so it is valid in a CSP source and an HTML attribute as it is.
import { randomBytes } from 'node:crypto';

export const newNonce = (): string => randomBytes(16).toString('hex');
