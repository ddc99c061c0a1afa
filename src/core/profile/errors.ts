// Profiler errors that code without tfjs (the extension host, the worker client) must recognise.

/** A profile stopped by its caller; not a failure, so never shown as an error. */
export class ProfileCancelledError extends Error {
  constructor() {
    super('profile cancelled');
    this.name = 'ProfileCancelledError';
  }
}
