/** Something an apply left out or weakened, for the operator to see. Names variables, never values. */
export interface ApplyWarning {
  /** Where in the config file, e.g. `keys[0].secret`. */
  readonly path: string
  readonly message: string
}
