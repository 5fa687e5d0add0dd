/**
 * Where `model.save(path)`, `loadModel(path)` and `ModelCheckpoint` read and write files. The core
 * has no file system: the Node package registers one (atomic writes) when it is imported; a
 * browser application may register its own (IndexedDB, the origin private file system).
 */

/** Reads and writes whole files; `write` must replace the file atomically. */
export interface ModelFileSystem {
  write(path: string, bytes: Uint8Array): Promise<void>;
  read(path: string): Promise<Uint8Array>;
}

let registered: ModelFileSystem | undefined;

/**
 * Sets the file system model files use by path (the Node package calls this when imported).
 *
 * @example
 * ```ts
 * setModelFileSystem({ write: async (p, b) => store.set(p, b), read: async (p) => store.get(p) });
 * ```
 */
export function setModelFileSystem(fileSystem: ModelFileSystem): void {
  if (typeof fileSystem?.write !== 'function' || typeof fileSystem?.read !== 'function') {
    throw new TypeError('setModelFileSystem: expected an object with write(path, bytes) and read(path)');
  }
  registered = fileSystem;
}

/** The registered file system, or an error saying how to get one. */
export function modelFileSystem(where: string): ModelFileSystem {
  if (!registered) {
    throw new Error(
      `${where}: no file system for model files in this runtime: in Node import from 'ditto-node' ` +
        '(it registers one); elsewhere use model.toBytes() / loadModel(bytes) or setModelFileSystem(…)',
    );
  }
  return registered;
}
