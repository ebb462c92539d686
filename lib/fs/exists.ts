// Whether a path is there (a link counts as itself, never followed) or is a directory: false only for
// "not found"; any other error (permissions, I/O) is thrown, never read as absence.

export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

export async function isDir(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

/**
 * Whether `path` is a regular file itself (a link is not followed: a link is no file here, so a served
 * or counted file never points elsewhere). A path through a file (not a folder) is absent too.
 */
export async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.lstat(path)).isFile;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory) return false;
    throw err;
  }
}
