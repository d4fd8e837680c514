/**
 * Config types are immutable once parsed: this turns a schema's inferred output into a deeply
 * readonly type so consumers cannot mutate a shared snapshot by accident.
 */
export type DeepReadonly<T> =
  T extends (infer U)[] ? readonly DeepReadonly<U>[]
    : T extends readonly (infer U)[] ? readonly DeepReadonly<U>[]
      : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
        : T;
