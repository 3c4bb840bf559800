using System;
using System.ComponentModel;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace BqBackup.IO
{
    /// <summary>
    /// A private scratch folder (0700) under the system temp path (TMPDIR), removed with
    /// everything in it when disposed — on success, failure and cancellation alike.
    /// </summary>
    internal sealed class PrivateTempDirectory : IDisposable
    {
        private const string Prefix = "bqbackup-";

        public PrivateTempDirectory(string purpose, string root = null)
        {
            root = root ?? System.IO.Path.GetTempPath();
            RemoveOrphans(root);
            // The pid in the name lets a later run tell a folder whose process was killed outright.
            Path = System.IO.Path.Combine(root, $"{Prefix}{purpose}-{CurrentProcessId}-{Guid.NewGuid():N}");
            // mkdir 0700, failing on any name already there: never a folder someone else made or linked.
            NativeFile.CreatePrivateDirectory(Path);
        }

        private static readonly int CurrentProcessId = System.Diagnostics.Process.GetCurrentProcess().Id;

        /// <summary>Scratch folders of processes that no longer exist (killed, so their cleanup never ran).</summary>
        internal static void RemoveOrphans(string root)
        {
            string[] candidates;
            try { candidates = Directory.GetDirectories(root, Prefix + "*"); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { return; }
            foreach (var dir in candidates)
            {
                var parts = System.IO.Path.GetFileName(dir).Split('-');
                if (parts.Length < 4 || !int.TryParse(parts[2], out var pid) || IsAlive(pid)) continue;
                try { Directory.Delete(dir, recursive: true); }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { }
            }
        }

        private static bool IsAlive(int pid)
        {
            // A zombie (killed, not yet reaped) is gone too.
            return pid == CurrentProcessId || State.ProcessIdentity.IsRunning(pid, null, null);
        }

        public string Path { get; }

        public string File(string name) => System.IO.Path.Combine(Path, name);

        public void Dispose()
        {
            try { if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }
}
