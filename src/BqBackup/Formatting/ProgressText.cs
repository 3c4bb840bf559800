using System;

namespace BqBackup.Formatting
{
    /// <summary>
    /// What a progress bar says about a transfer: bytes done of the total, the rate, the time left.
    /// Pure, so the arithmetic is tested without timing anything.
    /// </summary>
    internal static class ProgressText
    {
        // Below this the rate is noise (start-up, the first buffer), and the time left would jump about.
        public static readonly TimeSpan MinimumElapsedForRate = TimeSpan.FromMilliseconds(200);

        /// <summary>
        /// Bytes per second over <paramref name="elapsed"/>, in which <paramref name="bytes"/> were
        /// moved; 0 (no rate yet) before <see cref="MinimumElapsedForRate"/> or before any byte.
        /// </summary>
        public static double Rate(long bytes, TimeSpan elapsed) =>
            bytes > 0 && elapsed >= MinimumElapsedForRate ? bytes / elapsed.TotalSeconds : 0;

        /// <summary>"Compressing: 12.3 MiB of 1.21 GiB, 45.6 MiB/s"; the rate once there is one; without a known total, the status alone.</summary>
        public static string Describe(string status, long completed, long total, double bytesPerSecond)
        {
            if (total <= 0) return status;
            var text = $"{status}: {Display.Size(Math.Max(0, Math.Min(completed, total)))} of {Display.Size(total)}";
            return bytesPerSecond > 0 ? $"{text}, {Display.Size((long)bytesPerSecond)}/s" : text;
        }

        /// <summary>Whole seconds left at the rate; -1 (PowerShell's "unknown") without a rate or a total.</summary>
        public static int SecondsRemaining(long completed, long total, double bytesPerSecond)
        {
            if (total <= 0 || bytesPerSecond <= 0) return -1;
            var seconds = Math.Ceiling(Math.Max(0, total - completed) / bytesPerSecond);
            return seconds > int.MaxValue ? int.MaxValue : (int)seconds;
        }

        /// <summary>0 to 100; -1 (no bar) without a known total.</summary>
        public static int PercentComplete(long completed, long total) =>
            total <= 0 ? -1 : (int)Math.Max(0, Math.Min(100, completed * 100 / total));
    }
}
