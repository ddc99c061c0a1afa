// jsfive ships no type declarations; src/core/formats/keras/hdf5.ts types the parts it uses.
declare module 'jsfive';
