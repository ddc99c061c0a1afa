// jsfive ships no type declarations; src/core/io/hdf5.ts types the parts it uses.
declare module 'jsfive';
