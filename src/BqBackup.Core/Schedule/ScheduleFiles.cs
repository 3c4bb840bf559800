using System;
using System.IO;
using System.Text;
using BqBackup.IO;

namespace BqBackup.Schedule
{
    /// <summary>The few file operations the schedule cmdlets do: unit files in, unit files out, a look at the environment file.</summary>
    public static class ScheduleFiles
    {
        /// <summary>Unit files are read by systemd and by anyone who inspects the system: 0644, and they hold no secret.</summary>
        public const uint UnitFileMode = 0x1A4; // 0644

        /// <summary>
        /// Writes a file whole: into a temp file beside it, mode 0644, then renamed over the target,
        /// so systemd never reads half a unit. The folder is created if missing.
        /// </summary>
        public static void Write(string path, string content, Encoding encoding = null)
        {
            var folder = Path.GetDirectoryName(path);
            var temp = Path.Combine(folder ?? ".", "." + Path.GetFileName(path) + ".tmp-" + Guid.NewGuid().ToString("N"));
            try
            {
                Directory.CreateDirectory(folder);
                File.WriteAllText(temp, content, encoding ?? new UTF8Encoding(false));
                NativeFile.SetMode(temp, UnitFileMode);
                NativeFile.ReplaceAtomically(temp, path);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                NativeFile.TryDelete(temp);
                throw new BqBackupException(ErrorIds.ScheduleWriteFailed, BqErrorCategory.WriteError,
                    $"Cannot write '{path}': {e.Message}", path,
                    "Run as root (or with sudo) to write to /etc/systemd/system, or pass -UnitDirectory.", e);
            }
        }

        public static void Delete(string path)
        {
            try
            {
                if (File.Exists(path)) File.Delete(path);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new BqBackupException(ErrorIds.ScheduleWriteFailed, BqErrorCategory.WriteError,
                    $"Cannot delete '{path}': {e.Message}", path, "Run as root (or with sudo), or delete the file by hand.", e);
            }
        }

        /// <summary>
        /// The environment file must exist (systemd refuses to start a service whose
        /// EnvironmentFile= is missing). Returns a warning when other users can read it, since it
        /// holds the secrets; null when it is private enough. It is only looked at, never read.
        /// </summary>
        public static string CheckEnvironmentFile(string path)
        {
            if (!File.Exists(path))
                throw new BqBackupException(ErrorIds.EnvironmentFileNotFound, BqErrorCategory.ObjectNotFound,
                    $"The environment file '{path}' does not exist.", path,
                    "Create it first (KEY=value lines such as S3_ACCESS_KEY_ID=… and S3_SECRET_ACCESS_KEY=…), owned by the job's user, mode 0600.");
            var mode = NativeFile.TryGetMode(path);
            if (mode.HasValue && (mode.Value & 0x4) != 0)
                return $"The environment file '{path}' holds secrets but every user can read it (mode {Convert.ToString(mode.Value, 8)}); chmod 600 it.";
            return null;
        }
    }
}
