// The drawn sizes of nodes and block headers, shared by the layout, the header clearance pass and
// the SVG (one module below them all, so none imports another for a number).
export const NODE_H = 40;
export const GROUP_NODE_H = 46;
export const GROUP_HEADER = 28;
export const MAX_W = 340;
/** Monospace advance per character at the node font sizes (0.6em), so sizes need no DOM. */
export const CHAR_W_NAME = 7.3;
export const CHAR_W_SUB = 6.7;
