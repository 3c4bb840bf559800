using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace BqBackup.IO
{
    /// <summary>
    /// Which processes hold a file open. bunqueue keeps no lock or pid file, so the open file
    /// descriptors are the only witness that a server still uses the database. Linux reads
    /// /proc/*/fd (other users' processes need root to be seen); elsewhere it answers empty.
    /// </summary>
    internal static class OpenFileDetector
    {
        public static IReadOnlyList<FileHolder> FindHolders(IEnumerable<string> paths)
        {
            var full = paths.Select(Path.GetFullPath).ToList();
            var wanted = new HashSet<string>(full, StringComparer.Ordinal);
            // The same files by identity (device and inode): /proc shows the path the process
            // opened, resolved, which differs from ours when either goes through a symlinked
            // folder, a bind mount or another mount namespace (a container).
            var wantedIds = new HashSet<string>(full.Select(NativeFile.TryGetFileId).Where(id => id != null), StringComparer.Ordinal);
            var holders = new List<FileHolder>();
            if (!Directory.Exists("/proc/self/fd")) return holders;
            foreach (var processDir in SafeEnumerate("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(processDir), out var pid)) continue;
                foreach (var fd in SafeEnumerate(Path.Combine(processDir, "fd")))
                {
                    var target = NativeFile.ReadLink(fd);
                    if (target == null) continue;
                    if (!wanted.Contains(target) && (wantedIds.Count == 0 || !wantedIds.Contains(NativeFile.TryGetFileId(fd) ?? string.Empty))) continue;
                    holders.Add(new FileHolder(pid, ProcessName(processDir), target));
                    break;
                }
            }
            return holders;
        }

        private static string ProcessName(string processDir)
        {
            try { return File.ReadAllText(Path.Combine(processDir, "comm")).Trim(); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { return "?"; }
        }

        private static IEnumerable<string> SafeEnumerate(string dir)
        {
            try { return Directory.GetFileSystemEntries(dir); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { return Array.Empty<string>(); }
        }
    }
}
