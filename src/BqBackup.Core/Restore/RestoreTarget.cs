using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using BqBackup.IO;
using BqBackup.Snapshot;
using BqBackup.Storage;

namespace BqBackup.Restore
{
    /// <summary>
    /// Where a restore really writes. A -Path that is a symbolic link (a container's
    /// /app/data/queue.db -> /mnt/volume/queue.db) is resolved once, and the restore happens in
    /// the real file's folder, the link left a link. A link is only followed when whoever made it
    /// is trusted: every link on the way must belong to root or to the user running the restore
    /// (as the kernel's protected_symlinks reasons), else RestoreTargetUnsafe. An existing final
    /// file must be a regular file, and when reached through a link, an SQLite database.
    /// </summary>
    internal static class RestoreTarget
    {
        private const int MaxLinks = 40;

        /// <summary>The real path of the database file <paramref name="fullPath"/> names, links resolved.</summary>
        public static string Resolve(string fullPath)
        {
            if (NativeFile.IsWindows || NativeFile.LStat("/") == null) return ResolveWithoutStatx(fullPath);
            var euid = NativeFile.EffectiveUserId();
            var pending = new Stack<string>(Enumerable.Reverse(Split(fullPath)));
            var current = Root(fullPath);
            var links = 0;
            var followed = false;
            while (pending.Count > 0)
            {
                var part = pending.Pop();
                if (part.Length == 0 || part == ".") continue;
                if (part == "..")
                {
                    current = Path.GetDirectoryName(current) ?? current;
                    continue;
                }
                var next = Path.Combine(current, part);
                var status = NativeFile.LStat(next);
                if (status == null)
                {
                    // Nothing there: the rest of the path is taken as written (a missing folder is reported later).
                    current = pending.Count == 0 ? next : Path.Combine(new[] { next }.Concat(pending).ToArray());
                    pending.Clear();
                    break;
                }
                if (!status.Value.IsSymbolicLink)
                {
                    current = next;
                    continue;
                }
                if (++links > MaxLinks)
                    throw Unsafe(fullPath, $"'{fullPath}' goes through more than {MaxLinks} symbolic links (a loop?)");
                if (status.Value.Uid != 0 && status.Value.Uid != euid)
                    throw Unsafe(fullPath, $"'{next}' is a symbolic link owned by uid {status.Value.Uid}, neither root nor you: whoever may write there could point it anywhere");
                var target = NativeFile.ReadLink(next);
                if (string.IsNullOrEmpty(target)) throw Unsafe(fullPath, $"the symbolic link '{next}' cannot be read");
                foreach (var p in Enumerable.Reverse(Split(target))) pending.Push(p);
                if (Path.IsPathRooted(target)) current = Root(target);
                followed = true;
            }
            if (followed) CheckLinkedFile(fullPath, current);
            CheckRegular(fullPath, current);
            return current;
        }

        /// <summary>Windows and Unixes without statx: a -Path that is itself a link is refused, not followed.</summary>
        private static string ResolveWithoutStatx(string fullPath)
        {
            if (NativeFile.IsLinkOrReparsePoint(fullPath))
                throw Unsafe(fullPath, $"'{fullPath}' is a symbolic link or another reparse point, which this platform does not resolve");
            return fullPath;
        }

        private static void CheckRegular(string given, string real)
        {
            var status = NativeFile.LStat(real);
            if (status == null || status.Value.IsRegularFile || status.Value.IsDirectory) return;
            throw Unsafe(given, $"'{real}' is not a regular file (a device, a pipe or a socket)");
        }

        /// <summary>What a link leads to must be bunqueue's kind of file: a link to /etc/passwd is no database.</summary>
        private static void CheckLinkedFile(string given, string real)
        {
            var status = NativeFile.LStat(real);
            if (status == null || !status.Value.IsRegularFile) return;
            bool sqlite;
            try { sqlite = SqliteFiles.LooksLikeSqlite(real); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { sqlite = false; }
            if (!sqlite) throw Unsafe(given, $"'{given}' is a symbolic link to '{real}', which is not an SQLite database");
        }

        /// <summary>RestoreTargetInBackupFolder when the database would land in (or under) the folder the backups are read from.</summary>
        public static void CheckOutsideStore(string givenPath, string realPath, IBackupStore store)
        {
            if (!(store is FolderStore folder)) return;
            string root;
            try { root = Resolve(folder.Root); }
            catch (BqBackupException) { root = folder.Root; }
            var comparison = NativeFile.IsWindows || NativeFile.IsMac ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
            var rootWithSlash = root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
            foreach (var candidate in new[] { realPath, givenPath })
            {
                if (!candidate.StartsWith(rootWithSlash, comparison) && !string.Equals(candidate, root, comparison)) continue;
                throw new BqBackupException(ErrorIds.RestoreTargetInBackupFolder, BqErrorCategory.InvalidArgument,
                    $"The restore target '{givenPath}' is inside the backup folder '{folder.Root}': a database there would sit among the backups it came from. Nothing was changed.",
                    givenPath, "Give bunqueue's database path as -Path, outside the backup folder.");
            }
        }

        private static BqBackupException Unsafe(string given, string why) =>
            new BqBackupException(ErrorIds.RestoreTargetUnsafe, BqErrorCategory.SecurityError,
                $"Refusing to restore to '{given}': {why}. Nothing was changed.", given,
                "Give the real database file as -Path (check it with `ls -l`), or have root or yourself own the link.");

        private static string[] Split(string path) => path.Split(new[] { '/' }, StringSplitOptions.RemoveEmptyEntries);

        private static string Root(string path) => Path.GetPathRoot(path) is string r && r.Length > 0 ? r : "/";
    }
}
