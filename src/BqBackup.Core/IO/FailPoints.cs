using System;
using System.Diagnostics;

namespace BqBackup.IO
{
    /// <summary>
    /// Named points between the steps of a backup or a restore where a test can have this process
    /// killed outright (BQBACKUP_KILL_AT=step), to prove that no step leaves a half-done state
    /// behind. A kill, not an exception: no finally block runs, as with kill -9 or a power cut.
    /// </summary>
    internal static class FailPoints
    {
        private static readonly string KillAt = Environment.GetEnvironmentVariable("BQBACKUP_KILL_AT");

        public static void Hit(string step)
        {
            if (KillAt == null || !string.Equals(KillAt, step, StringComparison.Ordinal)) return;
            Process.GetCurrentProcess().Kill();
            System.Threading.Thread.Sleep(System.Threading.Timeout.Infinite);
        }
    }
}
