// The model of the graph panel the user looked at last (null when none is open), so commands that
// ask for a model offer that one first. Set by the graph view; a tiny module so a command can read
// it without loading the graph view.

export interface ActiveGraph {
  /** Zoo name or file path, as the commands take it. */
  modelArg: string;
  /** The model's name as the graph shows it. */
  name: string;
}

let active: ActiveGraph | null = null;

export function setActiveGraph(g: ActiveGraph | null): void {
  active = g;
}

export function activeGraph(): ActiveGraph | null {
  return active;
}
