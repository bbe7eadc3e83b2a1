import os
import shutil


def copy_tree(src, dst, overwrite=False):
    """Copy every file under src to dst; returns the number of files copied."""
    copied = 0
    for root, _dirs, files in os.walk(src):
        rel = os.path.relpath(root, src)
        target_dir = os.path.join(dst, rel)
        os.makedirs(target_dir, exist_ok=True)
        for name in files:
            source = os.path.join(root, name)
            target = os.path.join(target_dir, name)
            if os.path.exists(target) and not overwrite:
                print("skipping", target)
                continue
            shutil.copy2(source, target)
            print("copied", source, "->", target)
            copied += 1
    return copied


def remove_empty_dirs(path):
    """Remove empty directories under path, deepest first."""
    removed = 0
    for root, dirs, files in os.walk(path, topdown=False):
        if not dirs and not files and root != path:
            os.rmdir(root)
            removed += 1
    return removed
