using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;

namespace BqBackup.State
{
    /// <summary>
    /// A process as pid AND start time (and, on Linux, the boot it started in), so a pid the
    /// kernel has since given to another process is not mistaken for the one that wrote a record.
    /// Linux reads /proc/&lt;pid&gt;/stat (field 22, starttime in clock ticks since boot) and
    /// /proc/sys/kernel/random/boot_id; elsewhere the start time .NET reports.
    /// </summary>
    internal sealed class ProcessIdentity
    {
        private const string BootIdPath = "/proc/sys/kernel/random/boot_id";

        public ProcessIdentity(int pid, string startTime, string bootId)
        {
            Pid = pid;
            StartTime = startTime;
            BootId = bootId;
        }

        public int Pid { get; }
        /// <summary>Opaque: compared for equality only. Null where it cannot be read.</summary>
        public string StartTime { get; }
        public string BootId { get; }

        private static readonly Lazy<ProcessIdentity> current = new Lazy<ProcessIdentity>(() =>
        {
            int pid;
            using (var self = Process.GetCurrentProcess()) pid = self.Id;
            return new ProcessIdentity(pid, TryReadStartTime(pid, out _), CurrentBootId());
        });

        public static ProcessIdentity Current => current.Value;

        /// <summary>
        /// Whether the process that was <paramref name="pid"/>, started at <paramref name="startTime"/>
        /// in boot <paramref name="bootId"/>, still runs. A pid that is alive with another start time
        /// is another process (pid reuse): gone. A zombie is gone. Without a recorded start time the
        /// pid alone decides.
        /// </summary>
        public static bool IsRunning(int pid, string startTime, string bootId)
        {
            if (pid <= 0) return false;
            var boot = CurrentBootId();
            if (!string.IsNullOrEmpty(bootId) && boot != null && !string.Equals(bootId, boot, StringComparison.OrdinalIgnoreCase)) return false;
            var now = TryReadStartTime(pid, out var exists);
            if (!exists) return false;
            if (string.IsNullOrEmpty(startTime) || now == null) return true;
            return string.Equals(now, startTime, StringComparison.Ordinal);
        }

        /// <summary>The start time of <paramref name="pid"/>, or null; <paramref name="exists"/> false when no live process has it.</summary>
        internal static string TryReadStartTime(int pid, out bool exists)
        {
            exists = false;
            if (pid <= 0) return null;
            var stat = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat";
            if (Directory.Exists("/proc/self"))
            {
                string text;
                try { text = File.ReadAllText(stat); }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { return null; }
                // "pid (comm) state ppid …": comm may hold spaces and parentheses, so fields count from the last ')'.
                var close = text.LastIndexOf(')');
                if (close < 0) return null;
                var fields = text.Substring(close + 1).Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries);
                // fields[0] is field 3 (state), so field 22 (starttime) is fields[19].
                if (fields.Length < 20) return null;
                exists = fields[0] != "Z" && fields[0] != "X";
                return fields[19];
            }
            try
            {
                using (var p = Process.GetProcessById(pid))
                {
                    if (p.HasExited) return null;
                    exists = true;
                    return p.StartTime.ToUniversalTime().Ticks.ToString(CultureInfo.InvariantCulture);
                }
            }
            catch (ArgumentException) { return null; }
            catch (InvalidOperationException) { return null; }
            catch (System.ComponentModel.Win32Exception) { exists = true; return null; }
            catch (NotSupportedException) { exists = true; return null; }
        }

        private static string CurrentBootId()
        {
            try { return File.Exists(BootIdPath) ? File.ReadAllText(BootIdPath).Trim() : null; }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { return null; }
        }
    }
}
