/** The workflows the worker registers. Each lives in its own module; this file only re-exports. */
export {};
