// Command ids the host's parts call each other through, so that no part imports another at compile time.
/** The command the profiler registers so the graph view can draw a result without a compile-time link. */
export const SHOW_PROFILE_COMMAND = 'netlens.internal.showProfile';
/** Asks again for a model file's preprocessing and profiles it again: (model, image). The profile page calls it. */
export const CHANGE_PREPROCESSING_COMMAND = 'netlens.internal.changePreprocessing';
