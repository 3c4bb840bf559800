using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using BqBackup.IO;
using BqBackup.Snapshot;

namespace BqBackup.Restore
{
    /// <summary>
    /// The last step of a restore, in the real folder of the database: the old database stays
    /// reachable at all times (it gets its .corrupted name as a hard link, a copy where links are
    /// impossible, before its companions move aside), and the verified file then replaces it in one
    /// rename, so the target path never goes missing. Names are linked, moved and replaced, never
    /// followed: a link planted at a -wal, -shm or -journal name moves aside as the link it is.
    /// </summary>
    internal static class RestoreSwap
    {
        public static IReadOnlyList<MovedFile> SwapIn(FileStream temp, string tempPath, string targetPath, string reportedPath, DateTime nowUtc, OperationContext ctx)
        {
            var stamp = RestoreEngine.AsideStamp(nowUtc);
            var moved = new List<MovedFile>();
            var linkedDatabase = false;
            var existing = NativeFile.LStat(targetPath);
            var exists = existing.HasValue ? existing.Value.IsRegularFile : File.Exists(targetPath);
            var problem = NativeFile.TryCopyOwnership(exists ? targetPath : Path.GetDirectoryName(targetPath), temp.SafeFileHandle, copyMode: exists);
            if (problem != null) ctx.WriteWarning($"The restored database may not be usable by bunqueue's user: {problem}.");
            try
            {
                CheckStillOurs(temp, tempPath);
                if (exists)
                {
                    var aside = AsideName(targetPath, stamp);
                    if (!NativeFile.TryHardLink(targetPath, aside)) CopyAside(targetPath, aside);
                    linkedDatabase = true;
                    moved.Add(new MovedFile(targetPath, aside));
                    FailPoints.Hit("restore-database-kept");
                }
                foreach (var companion in SqliteFiles.CompanionSuffixes.Select(s => targetPath + s).Where(NativeFile.ExistsNoFollow))
                {
                    var aside = AsideName(companion, stamp);
                    NativeFile.MoveNoReplace(companion, aside);
                    moved.Add(new MovedFile(companion, aside));
                    FailPoints.Hit("restore-moved" + companion.Substring(targetPath.Length));
                }
                NativeFile.ReplaceAtomically(tempPath, targetPath);
                FailPoints.Hit("restore-renamed");
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is BqBackupException)
            {
                // Put back what moved, newest first, so the database is exactly as it was.
                foreach (var m in Enumerable.Reverse(moved))
                {
                    try
                    {
                        if (m.From == targetPath && linkedDatabase) NativeFile.TryUnlink(m.To);
                        else NativeFile.MoveNoReplace(m.To, m.From);
                    }
                    catch (Exception) { /* reported below: the operator sees both names in the error */ }
                }
                if (e is BqBackupException bq) throw bq;
                throw new BqBackupException(ErrorIds.RestoreFailed, BqErrorCategory.WriteError,
                    $"Could not put the restored database in place at '{targetPath}': {e.Message.TrimEnd('.')}. The database was left as it was.", reportedPath,
                    "Check that this user may rename files in the database's folder.", e);
            }
            foreach (var m in moved) ctx.WriteVerbose($"Moved aside: {m}.");
            return moved;
        }

        /// <summary>The name we fetched into must still be the file we wrote: never rename in what someone put there since.</summary>
        private static void CheckStillOurs(FileStream temp, string tempPath)
        {
            var mine = NativeFile.FStat(temp.SafeFileHandle);
            if (mine == null) return;
            var named = NativeFile.LStat(tempPath);
            if (named.HasValue && named.Value.IsSameFile(mine.Value)) return;
            throw new BqBackupException(ErrorIds.RestoreFailed, BqErrorCategory.SecurityError,
                $"The verified temp file '{tempPath}' was replaced or removed by someone else before it could be renamed into place. The database was left as it was.",
                tempPath, $"Find out who writes to '{Path.GetDirectoryName(tempPath)}', then run the restore again.");
        }

        /// <summary>Where hard links are impossible: a copy, created exclusively (a link at the name fails it).</summary>
        private static void CopyAside(string source, string aside)
        {
            using (var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 20))
            using (var output = NativeFile.CreatePrivate(aside, 1 << 20))
            {
                input.CopyTo(output);
                output.Flush(true);
            }
        }

        private static string AsideName(string path, string stamp)
        {
            var aside = path + ".corrupted-" + stamp;
            for (var n = 2; NativeFile.ExistsNoFollow(aside); n++) aside = path + ".corrupted-" + stamp + "-" + n;
            return aside;
        }
    }
}
