// Unique names in linear time. Importers give each layer a unique name ("relu", "relu_2", ...);
// trying base_2, base_3, ... from 2 for every duplicate is quadratic (20,000 nodes named "relu" took
// 23-52 s). A counter per base name resumes where the last duplicate of that base stopped, and a
// candidate taken by another name ("relu_5" given by the file) is skipped once, never again: the
// total work is linear in the number of names.

export class UniqueNames {
  private readonly taken: Set<string>;
  /** Next suffix to try per base name. */
  private readonly next = new Map<string, number>();
  /** Candidates tried (for tests: the work done, linear in the names handed out). */
  tries = 0;

  constructor(reserved: Iterable<string> = [], private readonly sep = '_', private readonly first = 2) {
    this.taken = new Set(reserved);
  }

  has(name: string): boolean {
    return this.taken.has(name);
  }

  /** Marks a name as taken without renaming it (top-level names that must keep theirs). */
  add(name: string): void {
    this.taken.add(name);
  }

  /** `base` when free, else `base<sep><n>` with the smallest n not yet handed out for this base. */
  take(base: string): string {
    this.tries++;
    let name = base;
    if (this.taken.has(name)) {
      let i = this.next.get(base) ?? this.first;
      for (name = `${base}${this.sep}${i}`; this.taken.has(name); name = `${base}${this.sep}${i}`) {
        this.tries++;
        i++;
      }
      this.next.set(base, i + 1);
    }
    this.taken.add(name);
    return name;
  }
}
